"""`srok rules unnotified`: check the site, list the accounts nobody notified, dismiss one."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.app import run
from services.links import set_site_page
from tests.conftest import TODAY, copy_database
from tests.services.helpers import ACTOR, account, organ
from tests.site_server import Site

PAGE = """<html><body><a href="https://vk.com/kultura_nvl">ВК</a>
<a href="https://vk.com/kultura_fans">Болельщики</a></body></html>"""


@pytest.fixture
def home(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch, city_site: Site
) -> Iterator[str]:
    from services.app import Srok
    from services.settings import Settings

    copy_database(sqlite_template, tmp_path)
    city_site.pages["/kultura-social"] = PAGE
    app = Srok(
        dataclasses.replace(Settings.from_env({"SROK_HOME": str(tmp_path)}), today_override=TODAY),
        actor=ACTOR,
    )
    with app.transaction() as session:
        made = organ(session)
        page = city_site.url("/kultura-social")
        set_site_page(session=session, organ_id=made.id or 0, page=page, actor=ACTOR, today=TODAY)
        account(session, app.calendar, made.id or 0, url="https://vk.com/kultura_nvl")
    app.close()
    for name in ("SROK_DATABASE_URL", "SROK_CALENDAR_FILE", "SROK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SROK_HOME", str(tmp_path))
    monkeypatch.setenv("SROK_TODAY", "2026-12-01")
    yield page


def test_check_then_list_shows_the_account_with_its_page_and_first_day(
    home: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["rules", "unnotified", "check"]) == 0
    checked = capsys.readouterr().out

    assert run(["rules", "unnotified", "list"]) == 0
    listed = capsys.readouterr().out

    assert "ссылок на аккаунты 2, неизвестных srok 1" in checked
    assert listed.splitlines() == [
        f"1. https://vk.com/kultura_fans — Комитет по культуре, страница {home}, "
        "впервые 01.12.2026, последний раз 01.12.2026; открыта"
    ]


def test_dismiss_closes_the_finding_and_the_list_keeps_it_only_with_all(
    home: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["rules", "unnotified", "check"])
    capsys.readouterr()

    code = run(["rules", "unnotified", "dismiss", "--id", "1", "--reason", "Не аккаунт комитета"])

    assert code == 0
    capsys.readouterr()
    run(["rules", "unnotified", "list", "--json"])
    assert json.loads(capsys.readouterr().out) == []
    run(["rules", "unnotified", "list", "--all", "--json"])
    (item,) = json.loads(capsys.readouterr().out)
    assert (item["outcome"], item["reason"], item["closed_on"]) == (
        "dismissed",
        "Не аккаунт комитета",
        "2026-12-01",
    )


@pytest.mark.parametrize(
    ("args", "field"),
    [(["--id", "7", "--reason", "нет"], "--id"), (["--id", "1", "--reason", ""], "--reason")],
)
def test_a_bad_dismissal_exits_2_naming_the_field_and_clause(
    home: str, capsys: pytest.CaptureFixture[str], args: list[str], field: str
) -> None:
    run(["rules", "unnotified", "check"])
    capsys.readouterr()

    code = run(["rules", "unnotified", "dismiss", *args, "--json"])

    error = json.loads(capsys.readouterr().out)["error"]
    assert code == 2 and (error["field"], error["clause"]) == (field, "3.1")
