"""`srok rules check` in-process on a temporary city whose networks are local fakes."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.app import run
from models.tables import Account
from tests.conftest import TODAY, copy_database
from tests.networks.city import Fakes, city, network_env, running_fakes
from tests.site_server import Site

CLEARED = ("SROK_DATABASE_URL", "SROK_CALENDAR_FILE", "SROK_DEBUG", "SROK_MAX_TOKEN")


@pytest.fixture
def home(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch, city_site: Site
) -> Iterator[tuple[dict[str, int], Fakes]]:
    from services.app import Srok
    from services.settings import Settings

    copy_database(sqlite_template, tmp_path)
    for fakes in running_fakes():
        app = Srok(
            dataclasses.replace(
                Settings.from_env({"SROK_HOME": str(tmp_path)}), today_override=TODAY
            ),
            actor="it-dept",
        )
        with app.transaction() as session:
            ids = city(session, app.calendar, fakes)
            _standing_records(session, app, ids, city_site)
        app.close()
        for name in CLEARED:
            monkeypatch.delenv(name, raising=False)
        env = {"SROK_HOME": str(tmp_path), "SROK_TODAY": "2026-12-01", **network_env(fakes)}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield ids, fakes


def _standing_records(session, app, ids: dict[str, int], site: Site) -> None:  # type: ignore[no-untyped-def]
    """п. 3.1: the culture page links to an account nobody notified; п. 1.2: sport owes a VK
    page; п. 1.6: the VK account's protection is confirmed for the quarter."""
    from datetime import date

    from domain.standing import ProtectionAnswer
    from services.links import set_site_page
    from services.protection import confirm_protection
    from services.required import add_required

    site.pages["/kultura"] = (
        '<a href="https://vk.com/kultura_nvl">ВК</a> <a href="https://vk.com/kultura_fans">?</a>'
    )
    organ_id = session.get(Account, ids["vk"]).organ_id
    sport = session.get(Account, ids["telegram_open"]).organ_id
    set_site_page(
        session=session, organ_id=organ_id, page=site.url("/kultura"), actor="t", today=TODAY
    )
    add_required(session=session, organ_id=sport, network="vk", resolution_number="1520",
                 resolution_date=date(2026, 10, 12), due=date(2026, 11, 30), actor="t", today=TODAY)  # fmt: skip
    confirm_protection(session=session, calendar=app.calendar, account_id=ids["vk"],
                       answer=ProtectionAnswer(True, 2, "сейф кабинета 12"), on=date(2026, 11, 30),
                       quarter=None, working_days=10, actor="t", today=TODAY)  # fmt: skip
    ids["organ"], ids["sport"] = organ_id, sport


def test_json_prints_one_object_per_account_and_rule_in_the_issue_shape(
    home: tuple[dict[str, int], Fakes], capsys: pytest.CaptureFixture[str]
) -> None:
    ids, _ = home

    code = run(["rules", "check", "--week", "2026-W48", "--json"])

    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert code == 0
    assert [o["rule"] for o in out[:3]] == ["2.1", "2.4", "1.6"]
    assert len(out) == 6 * 3 + 2 + 1  # six accounts, two organs' pages (п. 3.1), one п. 1.2
    short = next(o for o in out if o["account_id"] == ids["ok"] and o["rule"] == "2.1")
    assert short == {"account_id": ids["ok"], "rule": "2.1", "checked": True, "ok": False,
                     "week": "2026-W48", "posts": 6, "required": 8}  # fmt: skip
    phone = next(o for o in out if o["account_id"] == ids["ok"] and o["rule"] == "2.4")
    assert phone["missing"] == ["phone"]
    unchecked = next(o for o in out if o["account_id"] == ids["max"] and o["rule"] == "2.4")
    assert unchecked["checked"] is False and "SROK_MAX_TOKEN" in unchecked["reason"]


def test_json_carries_protection_unnotified_and_required_accounts_too(
    home: tuple[dict[str, int], Fakes], capsys: pytest.CaptureFixture[str]
) -> None:
    ids, _ = home

    code = run(["rules", "check", "--week", "2026-W48", "--json"])

    out = json.loads(capsys.readouterr().out)
    assert code == 0
    protection = {o["account_id"]: o for o in out if o["rule"] == "1.6"}
    assert protection[ids["vk"]] == {"account_id": ids["vk"], "rule": "1.6", "checked": True,
        "ok": True, "quarter": "2026Q4", "confirmed_on": "2026-11-30", "due": "2026-11-17",
        "overdue": False}  # fmt: skip
    assert protection[ids["ok"]]["ok"] is False and protection[ids["ok"]]["overdue"] is True
    unnotified = [o for o in out if o["rule"] == "3.1"]
    assert unnotified[0] | {"page": "-"} == {"account_id": None, "rule": "3.1", "checked": True,
        "ok": False, "organ_id": ids["organ"], "network": "vk", "url": "https://vk.com/kultura_fans",
        "page": "-", "first_seen_on": "2026-12-01", "finding_id": 1}  # fmt: skip
    assert unnotified[1]["organ_id"] == ids["sport"] and unnotified[1]["checked"] is False
    assert "не записана" in unnotified[1]["reason"]
    (required,) = [o for o in out if o["rule"] == "1.2"]
    assert required == {"account_id": None, "rule": "1.2", "checked": True, "ok": False,
        "organ_id": ids["sport"], "network": "vk", "url": None, "required_id": 1,
        "resolution": "1520", "resolution_date": "2026-10-12", "due": "2026-11-30",
        "overdue": True}  # fmt: skip


def test_a_second_run_answers_the_same_and_opens_no_second_finding(
    home: tuple[dict[str, int], Fakes], capsys: pytest.CaptureFixture[str]
) -> None:
    run(["rules", "check", "--week", "2026-W48", "--json"])
    first = json.loads(capsys.readouterr().out)

    run(["rules", "check", "--week", "2026-W48", "--json"])
    second = json.loads(capsys.readouterr().out)

    assert second == first


def test_the_default_week_is_the_one_that_ended_last(
    home: tuple[dict[str, int], Fakes], capsys: pytest.CaptureFixture[str]
) -> None:
    ids, _ = home

    code = run(["rules", "check", "--account", str(ids["vk"])])

    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines() == [
        "постоянные требования: 2026-W48 (неделя 23.11.2026–29.11.2026)",
        f"аккаунт {ids['vk']}, п. 2.1: 14 публикаций из 8 — выполнено: да",
        f"аккаунт {ids['vk']}, п. 2.4: описание полное",
        f"аккаунт {ids['vk']}, п. 1.6: защита за 2026Q4 подтверждена 30.11.2026",
    ]


def test_people_read_what_is_missing_in_russian(
    home: tuple[dict[str, int], Fakes], capsys: pytest.CaptureFixture[str]
) -> None:
    ids, _ = home

    run(["rules", "check", "--account", str(ids["ok"])])

    out = capsys.readouterr().out
    assert "6 публикаций из 8 — выполнено: НЕТ" in out
    assert "в описании не хватает: телефон" in out
    assert "п. 1.6: защита за 2026Q4 НЕ подтверждена (срок 17.11.2026, срок истёк)" in out


def test_people_read_the_organs_findings_in_russian(
    home: tuple[dict[str, int], Fakes], capsys: pytest.CaptureFixture[str]
) -> None:
    ids, _ = home

    run(["rules", "check", "--week", "2026-W48"])

    out = capsys.readouterr().out
    assert (
        f"орган {ids['organ']}, п. 3.1: НЕ УВЕДОМИЛИ об аккаунте https://vk.com/kultura_fans" in out
    )
    assert (
        f"орган {ids['sport']}, п. 1.2: обязательный аккаунт (ВКонтакте) по постановлению № 1520 "
        "НЕ СОЗДАН (срок 30.11.2026, срок истёк)"
    ) in out


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--week", "2026-48"], "--week"),
        (["--week", "2026-W49"], "--week"),
        (["--account", "999"], "--account"),
    ],
)
def test_bad_input_exits_2_naming_the_field(
    home: tuple[dict[str, int], Fakes],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    field: str,
) -> None:
    code = run(["rules", "check", *args, "--json"])

    error = json.loads(capsys.readouterr().out)["error"]
    assert code == 2
    assert error["field"] == field
