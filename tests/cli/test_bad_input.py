"""Bad input, table-driven: every case exits 2 (1 for the environment), names the field and the
clause, prints the JSON error object under --json, shows no traceback, and changes nothing.

The CLI runs in-process (`cli.app.run`, the entry point `srok` itself calls) on a copy of one
migrated template city, so the whole table takes seconds. "Changes nothing" is checked on a
dump of the database and a hash of every other file under SROK_HOME, before and after.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cli.app import run

BASE_ENV = {"SROK_TODAY": "2026-12-01", "SROK_ACTOR": "it-dept"}
CLEARED = (
    "SROK_DATABASE_URL",
    "SROK_CALENDAR_FILE",
    "SROK_MAIL_FROM",
    "SROK_IT_EMAIL",
    "SROK_REPORT_EMAIL",
    "SROK_EWS_SENDER",
    "SROK_NOTIFIER",
    "SROK_PUBLICATION_RULE",
    "SROK_DEBUG",
)


@dataclass
class Result:
    code: int
    out: str
    err: str


# socketserver's report of a dropped request, printed by another test's local site server
# thread while this one runs: not srok's output.
_SERVER_NOISE = re.compile(
    r"-{40}\nException occurred during processing of request.*?-{40}\n", re.S
)


def srok(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    code = run(list(args))
    captured = capsys.readouterr()
    return Result(code, captured.out, _SERVER_NOISE.sub("", captured.err))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One migrated city, made once: organs 1 and 2, specialist 1, account 1 on VK."""
    home = tmp_path_factory.mktemp("template")
    with pytest.MonkeyPatch.context() as mp:
        for name in CLEARED:
            mp.delenv(name, raising=False)
        for name, value in {**BASE_ENV, "SROK_HOME": str(home)}.items():
            mp.setenv(name, value)
        for args in (
            ["init"],
            ["organ", "add", "Комитет по культуре", "--email", "k@example.invalid"],
            ["organ", "add", "Комитет по спорту"],
            [*SPECIALIST[:4], "--name", "Тестова Анна", *SPECIALIST[6:], "--email", "a@x.ru"],
            [
                *ACCOUNT[:3],
                "1",
                "--url",
                "https://vk.com/kultura_nvl",
                *ACCOUNT[4:],
                "--specialist",
                "1",
            ],
            ["organ", "set-site", "1", "--page", "https://novoaltaysk.ru/kultura"],
        ):
            assert run(args) == 0, args
    yield home


def snapshot(home: Path) -> dict[str, str]:
    """The database as SQL, and every other file's hash: what "nothing written" compares."""
    state: dict[str, str] = {}
    if not home.exists():
        return state
    for path in sorted(home.rglob("*")):
        name = path.relative_to(home).as_posix()
        if path.is_dir() or name.endswith(("-wal", "-shm")):
            state[name] = "dir" if path.is_dir() else "sqlite side file"
            continue
        if path.name == "srok.db":
            try:
                with sqlite3.connect(path) as conn:
                    state[name] = "\n".join(conn.iterdump())
                conn.close()
                continue
            except sqlite3.DatabaseError:
                pass
        state[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


@dataclass
class Case:
    name: str
    args: list[str]
    field: str
    clause: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    code: int = 2
    prepare: Callable[[Path], None] | None = None  # make files in the copied home first
    words: str | None = None  # a phrase the message must contain


SPECIALIST = ["specialist", "add", "--organ", "1", "--name", "Иванова Анна"]
SPECIALIST += ["--position", "специалист", "--phone", "+7 000"]
UPDATE = ["specialist", "update", "1", "--changed-on", "2026-11-25"]
ACCOUNT = ["account", "create", "--organ", "2", "--created-on", "2026-11-20"]
CHANGE = ["account", "change", "--account", "1", "--changed-on", "2026-11-27"]
SET_SITE = ["organ", "set-site", "1", "--page"]
LINK = ["link", "posted", "--account", "1", "--on", "2026-11-26", "--page"]
PUBLISH = ["publish", "--quarter", "2026Q3", "--on", "2026-10-20"]
REPORT = ["report", "compliance", "--quarter", "2026Q4"]


def _write(name: str, data: bytes) -> Callable[[Path], None]:
    def prepare(home: Path) -> None:
        (home / name).write_bytes(data)

    return prepare


def _folder(name: str) -> Callable[[Path], None]:
    def prepare(home: Path) -> None:
        (home / name).mkdir()

    return prepare


def _year(key: str) -> Callable[[Path], None]:
    return _write("calendar.toml", f'[{key}]\ndecree = "x"\n'.encode())


EMAILS = [
    ("newline-bcc", "a@x.ru\nBcc: b@y.ru"),
    ("two-with-comma", "a@x.ru, b@x.ru"),
    ("double-at", "a@b@c.ru"),
    ("semicolon", "x;y"),
    ("space", "a b@x.ru"),
    ("display-name", "Анна <a@x.ru>"),
    ("no-at", "anna.example.ru"),
    ("no-dot-in-domain", "a@x"),
    ("empty", ""),
    ("carriage-return", "a@x.ru\r"),
]

REQUIRED_OK = ["--organ", "1", "--resolution", "77", "--resolution-date", "2026-10-01"]
PROTECT = ["protection", "confirm", "--account", "1"]

CASES: list[Case] = [
    # item 1: one email check wherever an address enters
    *(
        Case(f"specialist-email-{n}", [*SPECIALIST, "--email", e], "--email", "3.1")
        for n, e in EMAILS
    ),
    Case("specialist-update-two", [*UPDATE, "--email", "a@x.ru, b@x.ru"], "--email", "3.2"),
    Case("specialist-update-bcc", [*UPDATE, "--email", "a@x.ru\nBcc: b@y.ru"], "--email", "3.2"),
    Case(
        "organ-email-two", ["organ", "add", "Отдел", "--email", "k@x.ru;b@x.ru"], "--email", "2.4"
    ),
    Case(
        "organ-head-email-bcc",
        ["organ", "add", "Отдел", "--head-email", "h@x.ru\nBcc: y@z.ru"],
        "--head-email",
    ),
    Case("env-it-email", PUBLISH, "SROK_IT_EMAIL", env={"SROK_IT_EMAIL": "a@x.ru, b@x.ru"}),
    Case("env-mail-from", ["outbox", "retry"], "SROK_MAIL_FROM", env={"SROK_MAIL_FROM": "a@b@c"}),
    # item 6: the network comes from the host
    Case(
        "other-on-vk",
        [*ACCOUNT, "--network", "other", "--url", "https://vk.com/x"],
        "--network",
        "1.5",
    ),
    Case(
        "other-on-m-vk-ru",
        [*ACCOUNT, "--network", "other", "--url", "https://m.vk.ru/x"],
        "--network",
        "1.5",
    ),
    Case(
        "other-on-t-me",
        [*ACCOUNT, "--network", "other", "--url", "https://t.me/x"],
        "--network",
        "1.5",
    ),
    Case("ok-on-vk", [*ACCOUNT, "--network", "ok", "--url", "https://vk.com/x"], "--url", "3.3"),
    Case(
        "unknown-network",
        [*ACCOUNT, "--network", "myspace", "--url", "https://vk.com/x"],
        "--network",
        "1.5",
    ),
    # item 7: one canonical address, held by a unique index
    Case("twin-domain", [*ACCOUNT, "--url", "https://vk.ru/kultura_nvl"], "--url", "1.5"),
    Case("path-case", [*ACCOUNT, "--url", "https://VK.com/Kultura_NVL/"], "--url", "1.5"),
    Case("mobile-http", [*ACCOUNT, "--url", "http://m.vk.com/kultura_nvl"], "--url", "1.5"),
    Case("www-query", [*ACCOUNT, "--url", "https://www.vk.com/kultura_nvl?from=x"], "--url", "1.5"),
    # item 9: organ names compared normalised
    Case("organ-upper-case", ["organ", "add", "КОМИТЕТ ПО КУЛЬТУРЕ"], "NAME", "3.3"),
    Case("organ-nbsp", ["organ", "add", "Комитет\u00a0по культуре"], "NAME", "3.3"),
    Case("organ-spaces", ["organ", "add", "  Комитет   по культуре "], "NAME", "3.3"),
    Case("organ-empty", ["organ", "add", "   "], "NAME", "2.4"),
    # item 13: settings, ids, quarters, addresses, calendar files, --out
    Case(
        "database-url-nonsense",
        ["status"],
        "SROK_DATABASE_URL",
        env={"SROK_DATABASE_URL": "nonsense"},
    ),
    Case(
        "database-url-oracle",
        ["status"],
        "SROK_DATABASE_URL",
        env={"SROK_DATABASE_URL": "oracle://u@h/db"},
    ),
    Case(
        "database-url-mysql",
        ["status"],
        "SROK_DATABASE_URL",
        env={"SROK_DATABASE_URL": "mysql://root@127.0.0.1/srok"},
    ),
    Case(
        "database-url-sqlite-relative",
        ["status"],
        "SROK_DATABASE_URL",
        env={"SROK_DATABASE_URL": "sqlite://x.db"},
    ),
    Case(
        "home-is-a-file",
        ["status"],
        "SROK_HOME",
        env={"SROK_HOME": "{home}/afile"},
        prepare=_write("afile", b"x"),
    ),
    Case("id-2-63", ["account", "show", str(2**63)], "ID"),
    Case("id-negative", ["account", "show", "--", "-1"], "ID"),
    Case(
        "id-2-64-option",
        ["access", "grant", "--account", str(2**64), "--person", "Иван"],
        "--account",
    ),
    Case("id-zero-option", ["status", "--organ", "0"], "--organ"),
    Case(
        "quarter-0000",
        ["publication", "done", "--quarter", "0000Q1", "--on", "2026-11-30"],
        "--quarter",
        "3.5",
    ),
    Case(
        "quarter-9999",
        ["publication", "done", "--quarter", "9999Q4", "--on", "2026-11-30"],
        "--quarter",
        "3.5",
    ),
    Case("calendar-quarter-0000", ["calendar", "quarter", "0000Q1"], "QUARTER", "3.5"),
    Case("calendar-quarter-9999", ["calendar", "quarter", "9999Q4"], "QUARTER", "3.5"),
    Case("report-quarter-9999", ["report", "compliance", "--quarter", "9999Q4"], "--quarter", "4"),
    Case(
        "calendar-not-utf8",
        ["calendar", "due", "2026-11-20", "3"],
        "{home}/calendar.toml",
        prepare=_write("calendar.toml", b"\xff\xfe[2027]\n"),
    ),
    Case(
        "calendar-is-a-folder",
        ["calendar", "due", "2026-11-20", "3"],
        "{home}/calendar.toml",
        prepare=_folder("calendar.toml"),
    ),
    Case(
        "calendar-year-99999", ["status"], "{home}/calendar.toml: [99999]", prepare=_year("99999")
    ),
    Case(
        "calendar-year-1800",
        ["calendar", "due", "2026-11-20", "3"],
        "{home}/calendar.toml: [1800]",
        prepare=_year("1800"),
    ),
    Case(
        "calendar-file-set-to-folder",
        ["status"],
        "SROK_CALENDAR_FILE",
        env={"SROK_CALENDAR_FILE": "{home}/cal"},
        prepare=_folder("cal"),
    ),
    Case(
        "publish-out-a-file",
        [*PUBLISH, "--out", "{home}/afile"],
        "--out",
        prepare=_write("afile", b"x"),
    ),
    Case("publish-out-proc", [*PUBLISH, "--out", "/proc/srok"], "--out"),
    Case("report-out-a-folder", [*REPORT, "--out", "{home}"], "--out"),
    Case("report-out-proc", [*REPORT, "--out", "/proc/srok.html"], "--out"),
    Case("report-out-no-folder", [*REPORT, "--out", "{home}/no/such/r.html"], "--out"),
    # item 13/14: the environment, not the input: exit 1, the real cause named
    Case(
        "garbage-database",
        ["status"],
        "SROK_DATABASE_URL",
        code=1,
        prepare=_write("srok.db", b"garbage" * 100),
        words="не база SQLite",
    ),
    Case(
        "postgres-unreachable",
        ["status"],
        "SROK_DATABASE_URL",
        env={"SROK_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/srok"},
        code=1,
        words="недоступен",
    ),
    # item 15: silently wrong before
    Case(
        "calendar-file-missing",
        ["status"],
        "SROK_CALENDAR_FILE",
        env={"SROK_CALENDAR_FILE": "{home}/nope.toml"},
    ),
    Case("report-no-such-organ", [*REPORT, "--organ", "999"], "--organ", "4"),
    Case(
        "home-missing-status",
        ["status"],
        "database",
        env={"SROK_HOME": "{home}/missing"},
        words="srok init",
    ),
    Case(
        "home-missing-account-show",
        ["account", "show", "1"],
        "database",
        env={"SROK_HOME": "{home}/missing"},
        words="make demo",
    ),
    # item 16: addresses refused, never repaired
    Case("url-raw-space", [*ACCOUNT, "--url", "https://vk.com/a b"], "--url", "3.3"),
    Case("url-dot-dot", [*ACCOUNT, "--url", "https://vk.com/../x"], "--url", "3.3"),
    Case("url-port-out-of-range", [*ACCOUNT, "--url", "https://vk.com:99999/x"], "--url", "3.3"),
    Case("url-port-not-a-number", [*ACCOUNT, "--url", "https://vk.com:abc/x"], "--url", "3.3"),
    Case("url-port-on-a-network", [*ACCOUNT, "--url", "https://vk.com:8080/x"], "--url", "3.3"),
    Case("url-newline", [*ACCOUNT, "--url", "https://vk.com/new\nline"], "--url", "3.3"),
    Case("url-broken-ipv6", [*ACCOUNT, "--url", "https://[::1/x"], "--url", "3.3"),
    Case("url-ipv6", [*ACCOUNT, "--url", "https://[::1]/x"], "--url", "3.3"),
    Case("url-scheme-only", [*ACCOUNT, "--url", "https://"], "--url", "3.3"),
    Case("url-credentials", [*ACCOUNT, "--url", "https://u:p@vk.com/x"], "--url", "3.3"),
    Case("change-url-space", [*CHANGE, "--url", "https://vk.com/a b"], "--url", "3.3"),
    Case("page-scheme-only", [*SET_SITE, "https://"], "--page", "1.4"),
    Case("page-space", [*SET_SITE, "https://novoaltaysk.ru/a b"], "--page", "1.4"),
    Case("page-dot-dot", [*SET_SITE, "https://novoaltaysk.ru/a/../b"], "--page", "1.4"),
    Case("link-page-broken-ipv6", [*LINK, "https://[::1/x"], "--page", "1.4"),
    # item 17: control characters refused at input
    Case("organ-name-escape", ["organ", "add", "Комитет\x1b[2J"], "NAME", "2.4"),
    Case(
        "organ-address-bidi",
        ["organ", "add", "Отдел", "--address", "ул.\u202eевокишуП"],
        "--address",
        "2.4",
    ),
    Case(
        "specialist-name-osc",
        [*SPECIALIST[:4], "--name", "Анна\x1b]0;x\x07", *SPECIALIST[6:], "--email", "a@x.ru"],
        "--name",
        "3.1",
    ),
    Case(
        "specialist-position-tab",
        [*SPECIALIST[:6], "--position", "a\tb", *SPECIALIST[8:], "--email", "a@x.ru"],
        "--position",
        "3.1",
    ),
    Case(
        "access-person-escape",
        ["access", "grant", "--account", "1", "--person", "Иван\x1b[31m"],
        "--person",
        "1.6",
    ),
    Case("actor-escape", ["--actor", "ИТ\x1b[2J", "status"], "--actor"),
    # item 18: parse errors speak JSON too
    Case("account-show-abc", ["account", "show", "abc"], "ID"),
    Case("status-account-float", ["status", "--account", "1.5"], "--account"),
    Case("negative-count", ["calendar", "due", "2026-11-20", "-3"], "-3"),
    Case("zero-count", ["calendar", "due", "2026-11-20", "0"], "N"),
    Case("unknown-command", ["frobnicate"], "COMMAND"),
    Case("unknown-option", ["status", "--bogus"], "--bogus"),
    Case(
        "missing-option",
        ["account", "create", "--organ", "1", "--created-on", "2026-11-20"],
        "--url",
    ),
    Case("bad-format", [*REPORT, "--format", "xml"], "--format", "4"),
    # п. 1.2 required accounts and п. 1.6 quarterly protection
    *(
        Case(f"required-{name}", ["required", "add", *REQUIRED_OK, *extra], field, "1.2")
        for name, extra, field in (
            ("network", ["--network", "facebook", "--due", "2026-12-20"], "--network"),
            ("due-before", ["--network", "ok", "--due", "2026-09-01"], "--due"),
            ("due-not-a-date", ["--network", "ok", "--due", "завтра"], "--due"),
        )
    ),
    Case(
        "required-organ-unknown",
        [
            "required",
            "add",
            "--organ",
            "99",
            "--network",
            "ok",
            "--resolution",
            "1",
            "--resolution-date",
            "2026-10-01",
            "--due",
            "2026-12-20",
        ],
        "--organ",
        "1.2",
    ),
    Case(
        "protection-no-2fa",
        [*PROTECT, "--people", "2", "--credentials-kept", "сейф"],
        "--two-factor",
        "1.6",
    ),
    Case(
        "protection-four",
        [*PROTECT, "--two-factor", "--people", "4", "--credentials-kept", "сейф"],
        "--people",
        "1.6",
    ),
    Case(
        "protection-where", [*PROTECT, "--two-factor", "--people", "2"], "--credentials-kept", "1.6"
    ),
    Case(
        "protection-quarter",
        [
            *PROTECT,
            "--two-factor",
            "--people",
            "2",
            "--credentials-kept",
            "сейф",
            "--quarter",
            "2026Q5",
        ],
        "--quarter",
        "1.6",
    ),
]


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 60
    assert sum(c.code == 2 for c in CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_refused_naming_field_and_clause_and_nothing_changes(
    case: Case,
    template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = tmp_path / "home"
    shutil.copytree(template, home)
    if case.prepare:
        case.prepare(home)
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in {**BASE_ENV, "SROK_HOME": str(home), **case.env}.items():
        monkeypatch.setenv(name, value.format(home=home))
    args = [a.format(home=home) if "{home}" in a else a for a in case.args]
    before = snapshot(home)

    result = srok(capsys, *args, "--json")

    assert result.code == case.code, (result.out, result.err)
    assert "Traceback" not in result.err
    error = json.loads(result.out)["error"]
    assert error["field"] == case.field.format(home=home), error
    assert error["clause"] == case.clause, error
    assert error["message"]
    assert f"ошибка: {error['field']}" in result.err
    if case.clause:
        assert f"(п. {case.clause})" in result.err
    if case.words:
        assert case.words in error["message"]
    assert snapshot(home) == before
    assert not (home / "missing").exists()


def test_escape_codes_never_reach_the_terminal_or_the_database(
    template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = tmp_path / "home"
    shutil.copytree(template, home)
    monkeypatch.setenv("SROK_HOME", str(home))
    for name, value in BASE_ENV.items():
        monkeypatch.setenv(name, value)

    refused = srok(capsys, "organ", "add", "\x1b[2J\x1b[HКомитет")
    shown = srok(capsys, "status").out + srok(capsys, "registry", "show").out

    assert refused.code == 2
    assert "\x1b" not in refused.err.replace("U+001B", "")
    assert "\x1b" not in shown
