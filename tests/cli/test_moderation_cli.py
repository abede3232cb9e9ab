"""`srok moderation sync|list|decide|file` in-process on a city whose comments are on local fakes."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.app import run
from tests.conftest import TODAY, copy_database
from tests.services.moderation_city import OBSCENE, PERSONAL, PHONE, City, fill, running_nets

CLEARED = ("SROK_DATABASE_URL", "SROK_CALENDAR_FILE", "SROK_DEBUG", "SROK_MODERATION_DAYS")


@pytest.fixture
def city(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[City]:
    from services.app import Srok
    from services.settings import Settings

    copy_database(sqlite_template, tmp_path)
    for nets in running_nets():
        app = Srok(
            dataclasses.replace(
                Settings.from_env({"SROK_HOME": str(tmp_path)}), today_override=TODAY
            ),
            actor="it-dept",
        )
        with app.transaction() as session:
            made = fill(session, app.calendar, nets)
        app.close()
        for name in CLEARED:
            monkeypatch.delenv(name, raising=False)
        clients = nets.clients()
        clients.close()
        env = {
            "SROK_HOME": str(tmp_path),
            "SROK_TODAY": "2026-12-01",
            "SROK_VK_API_URL": nets.vk.url + "/method",
            "SROK_VK_TOKEN": nets.vk.token,
            "SROK_OK_API_URL": nets.ok.url + "/fb.do",
            "SROK_OK_APP_KEY": nets.ok.app_key,
            "SROK_OK_SECRET": nets.ok.secret,
            "SROK_OK_TOKEN": nets.ok.token,
            "SROK_TELEGRAM_URL": nets.telegram.url,
            "SROK_MAX_API_URL": nets.max.url,
            "SROK_MAX_TOKEN": nets.max.token,
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield made


def listed(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    capsys.readouterr()
    assert run(["moderation", "list", "--json", *args]) == 0
    return list(json.loads(capsys.readouterr().out))


def test_sync_then_list_shows_the_queue_oldest_first_with_personal_data_masked(
    city: City, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(["moderation", "sync"])
    synced = capsys.readouterr().out
    again = run(["moderation", "sync", "--json"])
    second = json.loads(capsys.readouterr().out)
    run(["moderation", "list", "--organ", str(city.organ_id)])
    human = capsys.readouterr().out

    assert (code, again) == (0, 0)
    assert "новых комментариев 11, в очередь 8" in synced
    assert second["totals"]["new"] == 0 and second["totals"]["flagged"] == 0
    assert PHONE not in synced + human and "нахуй" not in synced
    assert human.splitlines()[0].startswith("2. Комитет по культуре, https://vk.com/wall-555_101")
    assert human.splitlines()[0].endswith("ждёт 6 дн. 6 ч")
    assert "ненормативная лексика: «нахуй» (obscene.lexicon)" in human
    assert human.rstrip().endswith("в очереди: 8")
    items = listed(capsys, "--organ", str(city.other_organ_id))
    assert items == []


def test_decide_records_the_decision_and_the_queue_shrinks(
    city: City, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["moderation", "sync"])
    first, second, *_ = listed(capsys)

    removed = run(["--actor", "kultura", "moderation", "decide", str(first["id"]), "removed"])
    kept = run(["moderation", "decide", str(second["id"]), "kept", "--reason", "номер организации"])
    told = capsys.readouterr().out
    twice = run(["moderation", "decide", str(first["id"]), "removed", "--json"])
    refused = json.loads(capsys.readouterr().out)["error"]

    assert (removed, kept, twice) == (0, 0, 2)
    assert f"комментарий {first['id']}: удалён" in told
    assert refused["field"] == "id" and refused["clause"] == "2.5"
    assert [i["id"] for i in listed(capsys)][:1] != [first["id"]]
    assert len(listed(capsys)) == 6
    assert first["text"] == OBSCENE and PHONE not in str(second["text"])
    assert str(second["text"]).startswith(PERSONAL[:23])


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["decide", "1", "kept"], "reason"),
        (["decide", "1", "user-restricted"], "rule"),
        (["decide", "1", "deleted"], "decision"),
        (["decide", "999", "removed"], "id"),
        (["file", "1", "rude"], "category"),
        (["list", "--organ", "999"], "--organ"),
    ],
)
def test_bad_input_exits_2_naming_the_field_and_the_clause(
    city: City, capsys: pytest.CaptureFixture[str], args: list[str], field: str
) -> None:
    run(["moderation", "sync"])
    capsys.readouterr()

    code = run(["moderation", *args, "--json"])

    error = json.loads(capsys.readouterr().out)["error"]
    assert code == 2
    assert error["field"] == field
    assert error["clause"] in ("2.5", None)


def test_a_comment_filed_by_hand_joins_the_queue(
    city: City, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["moderation", "sync"])
    before = {i["id"] for i in listed(capsys)}
    clean = next(i for i in range(1, 12) if i not in before)

    code = run(["moderation", "file", str(clean), "offtopic", "--note", "реклама концерта"])
    told = capsys.readouterr().out

    assert code == 0 and "отмечен: не по теме; в очереди" in told
    assert clean in {i["id"] for i in listed(capsys)}
