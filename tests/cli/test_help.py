"""`srok --help` everywhere: Russian, with metavars people read, and the old names still working.

The tests walk the whole command tree that `srok` runs (`cli.app.build`), so a
command added later is checked without being listed here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer._click import core as click_core

from cli.app import build, run
from tests.conftest import copy_database

# Words that may stand in Russian help as they are: values a person types
# (network codes, delivery states, formats) and names of things.
TECHNICAL = {
    *("vk", "ok", "telegram", "max", "rutube", "dzen", "other"),
    *("queued", "sending", "sent", "failed", "unknown"),
    *("html", "csv", "json", "toml"),
    *("srok", "prefect", "alembic", "holidays", "sqlite", "asia", "barnaul"),
}
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
# Typer's own type labels: <bool>, <str>, <int range>, <list[int]>, <path> ...
TYPE_LABEL = re.compile(r"<[a-z][a-z \[\],|]*>")


def walk(
    command: click_core.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click_core.Command]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from walk(sub, (*path, name))


ROOT = build()
COMMANDS = list(walk(ROOT))
NAMES = {
    part.lower()
    for path, command in COMMANDS
    for part in [
        *path,
        *(
            piece
            for param in command.params
            for opt in param.opts
            for piece in opt.lstrip("-").split("-")
        ),
    ]
}


def english_runs(text: str) -> list[str]:
    """Return the runs of three or more English words in ``text``.

    A Cyrillic word ends a run; a technical token (an upper-case name such as
    JSON or SROK_HOME, an option, a number, a command name, a value in
    TECHNICAL) neither counts nor ends it, so «Print JSON for scripts» is a run.
    """
    runs: list[str] = []
    current: list[str] = []
    for raw in text.split():
        token = raw.strip(".,;:!?()[]{}«»\"'*…")
        if CYRILLIC.search(token):
            if len(current) >= 3:
                runs.append(" ".join(current))
            current = []
        elif (
            WORD.fullmatch(token) and not token.isupper() and token.lower() not in TECHNICAL | NAMES
        ):
            current.append(token)
    if len(current) >= 3:
        runs.append(" ".join(current))
    return runs


def help_texts(command: click_core.Command) -> Iterator[tuple[str, str]]:
    """Every text of a command that its help shows, named by where it comes from."""
    yield "help", command.help or ""
    yield "short_help", command.short_help or ""
    help_option = command.get_help_option(click_core.Context(command))
    for param in [*command.params, *([help_option] if help_option else [])]:
        name = param.opts[0] if param.opts else str(param.name)
        yield f"{name} help", getattr(param, "help", None) or ""
        yield f"{name} metavar", param.metavar or ""


def ids(item: tuple[tuple[str, ...], click_core.Command]) -> str:
    return " ".join(item[0]) or "srok"


def test_the_walk_reaches_every_group_and_command() -> None:
    paths = {" ".join(path) for path, _ in COMMANDS}

    assert {"", "status", "account show", "link posted", "link check", "publication make"} <= paths
    assert {"publication done", "links check", "publish", "calendar rebaseline"} <= paths
    assert len(paths) > 40


def test_the_detector_catches_english_sentences_and_spares_russian_with_tokens() -> None:
    assert english_runs("Print JSON for scripts.") == ["Print for scripts"]
    assert english_runs("Show this message and exit.") == [
        "this message and exit"
    ]  # show: a command
    assert english_runs("The organ's official name (п. 2.4).") == [
        "The organ's official"
    ]  # name: an option
    assert english_runs("Вывести JSON (для программ): --json, SROK_HOME, URL, 2026Q4.") == []
    assert english_runs("Код сети: vk, ok, telegram, max, rutube, dzen, other.") == []


@pytest.mark.parametrize("item", COMMANDS, ids=ids)
def test_every_help_text_is_russian(item: tuple[tuple[str, ...], click_core.Command]) -> None:
    path, command = item

    english = {where: runs for where, text in help_texts(command) if (runs := english_runs(text))}

    assert english == {}, f"srok {' '.join(path)}: English in help"


@pytest.mark.parametrize("item", COMMANDS, ids=ids)
def test_every_help_page_is_russian_with_readable_metavars(
    item: tuple[tuple[str, ...], click_core.Command], capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = item

    code = run([*path, "--help"])
    page = capsys.readouterr().out

    assert code == 0
    assert "Показать эту справку и выйти." in page
    assert TYPE_LABEL.findall(page) == [], page
    assert "<=" not in page, page  # no [1<=x<=9223372036854775807] after an id
    assert english_runs(page) == [], page


def test_a_flag_shows_as_a_flag_and_a_value_option_names_its_value(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(["status", "--help"])
    page = capsys.readouterr().out

    assert re.search(r"--open +Только невыполненные", page), page
    assert re.search(r"--as-of +ДАТА +Оценить", page), page
    assert re.search(r"--account +ID +Только этот аккаунт", page), page


def test_every_value_option_has_a_metavar_of_its_own() -> None:
    missing = [
        f"srok {' '.join(path)} {param.opts[0]}"
        for path, command in COMMANDS
        for param in command.params
        if not getattr(param, "is_flag", False) and not param.metavar
    ]

    assert missing == []


def test_the_twins_are_one_group_each_and_the_old_names_are_hidden_aliases(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(["--help"])
    top = capsys.readouterr().out
    run(["link", "--help"])
    link = capsys.readouterr().out
    run(["publication", "--help"])
    publication = capsys.readouterr().out

    shown = set(re.findall(r"^│ (\S+) ", top, re.M))
    assert {"link", "publication"} <= shown
    assert not {"links", "publish"} & shown
    assert {"posted", "check"} <= set(re.findall(r"^│ (\S+) ", link, re.M))
    assert {"done", "make"} <= set(re.findall(r"^│ (\S+) ", publication, re.M))
    assert ROOT.commands["publish"].hidden and ROOT.commands["links"].hidden  # type: ignore[attr-defined]


def test_the_old_names_still_run(
    tmp_path: Path,
    sqlite_template: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    copy_database(sqlite_template, tmp_path)
    monkeypatch.delenv("SROK_DATABASE_URL", raising=False)
    monkeypatch.setenv("SROK_HOME", str(tmp_path))
    monkeypatch.setenv("SROK_TODAY", "2026-12-01")
    capsys.readouterr()

    codes = {
        "links check": run(["links", "check", "--json"]),
        "link check": run(["link", "check", "--json"]),
        "publish": run(["publish", "--quarter", "2026Q3", "--on", "2026-10-20", "--json"]),
        "publication make": run(
            ["publication", "make", "--quarter", "2026Q3", "--on", "20.10.2026", "--json"]
        ),
    }
    out = capsys.readouterr().out

    assert codes == dict.fromkeys(codes, 0), out
    assert out.count('"quarter": "2026Q3"') == 2


README_COMMAND = re.compile(r"(?:^|`)srok ((?:[a-z][a-z-]*(?: |$|`))+)", re.M)


def test_every_command_the_readme_lists_exists() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    listed = [m.group(1).replace("`", " ").split() for m in README_COMMAND.finditer(readme)]

    unknown = []
    for words in listed:
        # Down the groups while the words name them; a word a group lacks is unknown.
        command: click_core.Command = ROOT
        for word in words:
            if not hasattr(command, "commands"):
                break  # a command: what follows are its arguments
            sub = command.commands.get(word)
            if sub is None:
                unknown.append(" ".join(words))
                break
            command = sub

    assert len(listed) > 20
    assert unknown == []
