"""The `srok` CLI end to end, in a subprocess on a temporary SQLite database."""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.app import SCHEMA_HEAD
from tests.conftest import TODAY, copy_database


class Srok:
    """Run `python -m cli` as a user would run `srok`."""

    def __init__(self, home: Path) -> None:
        self.env = {
            **os.environ,
            "SROK_HOME": str(home),
            "SROK_TODAY": "2026-12-01",
            "SROK_ACTOR": "it-dept",
        }
        self.env.pop("SROK_DATABASE_URL", None)

    def run(
        self, *args: str, code: int = 0, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "cli", *args],
            env=self.env,
            text=True,
            capture_output=True,
            timeout=timeout,
        )
        assert done.returncode == code, (done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        return done

    def json(self, *args: str, code: int = 0, timeout: float = 300) -> Any:
        return json.loads(self.run(*args, "--json", code=code, timeout=timeout).stdout)


@pytest.fixture
def srok(tmp_path: Path, sqlite_template: Path) -> Srok:
    """An initialised home: a copy of the migrated template (`srok init` is tested below)."""
    copy_database(sqlite_template, tmp_path)
    return Srok(tmp_path)


def build_city(
    home: Path, *, created_on: date = date(2026, 11, 20), head_email: str | None = None
) -> None:
    """One organ, one specialist, one VK account, written in-process as the CLI would.

    The CLI commands that create them are tested once, in
    test_organ_specialist_and_account_are_created_through_the_cli; building the
    city in-process spares every other test three interpreter start-ups.
    """
    from services.accounts import add_organ, add_specialist, create_account
    from services.app import Srok as App
    from services.settings import Settings

    app = App(Settings.from_env({"SROK_HOME": str(home)}), actor="it-dept")
    with app.transaction() as session:
        organ = add_organ(
            session=session,
            name="Комитет по культуре",
            email="k@example.invalid",
            head_email=head_email,
            actor="it-dept",
            today=TODAY,
        )
        person = add_specialist(
            session=session,
            organ_id=organ.id or 0,
            name="Тестова Анна",
            position="специалист",
            phone="+7 000 000-00-01",
            email="a@example.invalid",
            actor="it-dept",
            today=TODAY,
        )
        create_account(
            session=session,
            calendar=app.calendar,
            organ_id=organ.id or 0,
            network_code="vk",
            url="https://vk.com/kultura_nvl",
            created_on=created_on,
            specialist_ids=[person.id or 0],
            actor="it-dept",
            today=TODAY,
        )
    app.engine.dispose()


@pytest.fixture
def city(srok: Srok, tmp_path: Path) -> Srok:
    build_city(tmp_path)
    return srok


def test_organ_specialist_and_account_are_created_through_the_cli(srok: Srok) -> None:
    assert srok.json("organ", "add", "Комитет по культуре", "--email", "k@example.invalid") == {
        "id": 1
    }
    assert srok.json(
        "specialist",
        "add",
        "--organ",
        "1",
        "--name",
        "Тестова Анна",
        "--position",
        "специалист",
        "--phone",
        "+7 000 000-00-01",
        "--email",
        "a@example.invalid",
    ) == {"id": 1}
    assert srok.json(
        "account",
        "create",
        "--organ",
        "1",
        "--network",
        "vk",
        "--url",
        "https://vk.com/kultura_nvl",
        "--created-on",
        "2026-11-20",
        "--specialist",
        "1",
    ) == {"id": 1}


def test_the_calendar_contract(srok: Srok) -> None:
    # People read DD.MM.YYYY and may type it; scripts read ISO in JSON.
    assert srok.run("calendar", "due", "2026-11-20", "3").stdout.strip() == "25.11.2026"
    assert srok.run("calendar", "due", "20.11.2026", "3").stdout.strip() == "25.11.2026"
    assert srok.json("calendar", "due", "2026-11-20", "3")["due"] == "2026-11-25"
    assert srok.run("calendar", "quarter", "2026Q1").stdout.strip() == "27.04.2026"
    assert srok.run("calendar", "quarter", "2026Q1", "--strict").stdout.strip() == "25.04.2026"
    year = srok.json("calendar", "year", "2026")
    assert set(year) >= {"year", "covered", "working_days", "non_working", "working_weekends"}
    assert (year["year"], year["covered"], year["working_days"]) == (2026, True, 247)
    assert len(year["non_working"]) == 365 - 247
    assert "2026-01-09" in year["non_working"] and year["working_weekends"] == []
    assert srok.json("calendar", "year", "2027")["covered"] is False


def test_status_reports_every_step_with_its_explanation(city: Srok) -> None:
    city.run(
        "notice", "sent", "--account", "1", "--on", "2026-11-24", "--received-on", "2026-11-25"
    )

    steps = city.json("status", "--as-of", "2026-12-01")

    assert [
        (s["clause"], s["due"], s["done"], s["state"], s["late_working_days"]) for s in steps
    ] == [
        ("3.1", "2026-11-25", "2026-11-24", "done", 0),
        ("1.4", "2026-11-27", None, "overdue", 2),
        ("3.4", "2026-12-02", None, "pending", 0),
        ("3.5", None, None, "waiting", 0),
    ]
    assert all(s["account_id"] == 1 and s["provisional"] is False for s in steps)
    assert "ГК РФ ст. 191" in steps[0]["explanation"]
    assert "Тестова" not in json.dumps(steps, ensure_ascii=False)


def test_status_for_people_is_a_russian_table(city: Srok) -> None:
    out = city.run("status", "--as-of", "2026-12-01").stdout

    assert "Сроки по аккаунтам на 01.12.2026" in out
    assert "просрочен" in out


def test_account_show_and_change_keep_the_address_history(city: Srok) -> None:
    assert city.json(
        "account",
        "change",
        "--account",
        "1",
        "--changed-on",
        "2026-11-27",
        "--url",
        "https://vk.com/kultura_novoaltaysk",
    ) == {"id": 1}

    shown = city.json("account", "show", "1")

    assert [a["url"] for a in shown["addresses"]] == [
        "https://vk.com/kultura_nvl",
        "https://vk.com/kultura_novoaltaysk",
    ]
    assert "История адресов" in city.run("account", "show", "1").stdout


def test_account_show_prints_dates_as_people_write_them_and_json_keeps_iso(city: Srok) -> None:
    city.json(
        "account", "change", "--account", "1", "--changed-on", "27.11.2026",
        "--url", "https://vk.com/kultura_novoaltaysk",
    )  # fmt: skip
    city.json("access", "grant", "--account", "1", "--person", "Иванов", "--on", "2026-11-21")

    text = city.run("account", "show", "1").stdout
    shown = city.json("account", "show", "1")

    assert "(создан 20.11.2026)" in text
    assert "20.11.2026 — 27.11.2026: https://vk.com/kultura_nvl" in text
    assert "27.11.2026 — по н. в.: https://vk.com/kultura_novoaltaysk" in text
    assert "Иванов (с 21.11.2026)" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), text
    assert shown["created_on"] == "2026-11-20"
    assert [a["from"] for a in shown["addresses"]] == ["2026-11-20", "2026-11-27"]


def test_other_outputs_for_people_print_no_iso_dates(city: Srok) -> None:
    city.json("notice", "sent", "--account", "1", "--on", "2026-11-24")
    city.json("registry", "entered", "--account", "1", "--on", "2026-11-30")

    outputs = {
        "registry show": city.run("registry", "show").stdout,
        "links check": city.run("link", "check").stdout,
        "calendar year": city.run("calendar", "year", "2025").stdout,
    }

    for name, text in outputs.items():
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text), (name, text)
    assert "создан 20.11.2026, в Реестре: 30.11.2026" in outputs["registry show"]
    assert "проверка ссылок 01.12.2026" in outputs["links check"]


def test_access_is_limited_to_three_people(city: Srok) -> None:
    for person in ("Первый", "Второй", "Третий"):
        city.json("access", "grant", "--account", "1", "--person", person, "--on", "2026-11-21")

    refused = city.run("access", "grant", "--account", "1", "--person", "Четвёртый", code=2)

    assert "п. 1.6" in refused.stderr
    city.json("access", "revoke", "--account", "1", "--person", "Первый")
    city.json("access", "grant", "--account", "1", "--person", "Четвёртый")


@pytest.mark.parametrize(
    ("args", "field", "clause"),
    [
        (["notice", "sent", "--account", "1", "--on", "2026-11-19"], "--on", "3.1"),
        (["notice", "sent", "--account", "9", "--on", "2026-11-24"], "--account", None),
        (["notice", "sent", "--account", "1", "--on", "2026-02-30"], "--on", None),
        (["registry", "entered", "--account", "1", "--on", "2026-11-25"], "--account", "3.1"),
        (
            [
                "account",
                "create",
                "--organ",
                "1",
                "--network",
                "vk",
                "--url",
                "https://vk.com/two",
                "--created-on",
                "2026-11-21",
            ],
            "--network",
            "1.5",
        ),
        (
            [
                "account",
                "create",
                "--organ",
                "1",
                "--network",
                "ok",
                "--url",
                "https://vk.com/two",
                "--created-on",
                "2026-11-21",
            ],
            "--url",
            "3.3",
        ),
        (["publication", "done", "--quarter", "2026-4", "--on", "2026-11-21"], "--quarter", "3.5"),
        (["link", "posted", "--account", "1", "--on", "2026-12-25"], "--on", "1.4"),
    ],
)
def test_bad_input_exits_2_naming_the_field_and_the_clause(
    city: Srok, args: list[str], field: str, clause: str | None
) -> None:
    error = city.json(*args, code=2)["error"]

    assert (error["field"], error["clause"]) == (field, clause)
    assert error["message"]


def test_a_duplicate_event_exits_2_and_changes_nothing(city: Srok) -> None:
    city.run("notice", "sent", "--account", "1", "--on", "2026-11-24")
    before = city.json("status")

    again = city.run("notice", "sent", "--account", "1", "--on", "2026-11-25", code=2)

    assert "уже записано 24.11.2026" in again.stderr
    assert city.json("status") == before


def test_a_failed_change_writes_nothing(city: Srok) -> None:
    city.run(
        "account",
        "change",
        "--account",
        "1",
        "--changed-on",
        "2026-11-27",
        "--url",
        "https://vk.com/new_address",
        "--specialist",
        "42",
        code=2,
    )

    shown = city.json("account", "show", "1")

    assert shown["url"] == "https://vk.com/kultura_nvl"
    assert len(shown["addresses"]) == 1
    assert len(city.json("status")) == 4


def test_commands_before_init_say_to_run_init_and_init_makes_them_work(tmp_path: Path) -> None:
    fresh = Srok(tmp_path / "empty")

    before = fresh.run("status", code=2)
    done = fresh.json("init")

    assert "srok init" in before.stderr
    assert done["revision"] == SCHEMA_HEAD
    assert fresh.json("status") == []


def test_status_does_not_import_prefect_and_answers_fast(city: Srok) -> None:
    # The command runs in this probe's own process, so that its imports can be
    # inspected; its exit code is checked, so a command that fails cannot pass.
    probe = (
        "import sys, runpy; sys.argv = ['srok', 'status', '--json'];\n"
        "try:\n runpy.run_module('cli', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        " assert exit.code in (0, None), f'srok status exited {exit.code}'\n"
        "assert 'prefect' not in sys.modules, 'prefect imported'\n"
        "assert 'alembic' not in sys.modules, 'alembic imported'\n"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-c", probe], env=city.env, capture_output=True, text=True, timeout=60
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)

    assert done.returncode == 0, done.stderr
    assert [s["clause"] for s in json.loads(done.stdout)] == ["3.1", "1.4", "3.4", "3.5"]
    # CPU time, not wall time: five helpers sharing two cores stretch the wall clock
    # but not the work. Importing Prefect alone costs about a second of CPU.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert cpu < 2.5, f"srok status took {cpu:.2f} s of CPU"


def test_a_constraint_the_database_catches_exits_2_and_writes_nothing(
    city: Srok, tmp_path: Path
) -> None:
    import sqlite3

    # Another clerk registers the organ's VK account between srok's own check and
    # its insert: a trigger plays that clerk, so the database's unique index (п. 1.5)
    # is what refuses, as it would in a real race.
    db = sqlite3.connect(tmp_path / "srok.db")
    db.execute(
        "CREATE TRIGGER concurrent_clerk BEFORE INSERT ON account BEGIN "
        "INSERT INTO account (organ_id, network, network_key, url, created_on, active, created_at) "
        "VALUES (NEW.organ_id, NEW.network, NEW.network_key, 'https://vk.com/other_clerk', "
        "NEW.created_on, 1, NEW.created_at); END"
    )
    db.execute("UPDATE account SET active = 0")  # srok's check sees no active VK account
    db.commit()
    db.close()
    before = city.json("status")

    error = city.json(
        "account",
        "create",
        "--organ",
        "1",
        "--network",
        "vk",
        "--url",
        "https://vk.com/kultura_new",
        "--created-on",
        "2026-11-25",
        code=2,
    )["error"]

    assert (error["field"], error["clause"]) == ("--network", "1.5")
    assert "только один аккаунт" in error["message"]
    assert city.json("status") == before
    db = sqlite3.connect(tmp_path / "srok.db")
    assert db.execute("SELECT count(*) FROM account").fetchone() == (1,)
    db.close()


def test_the_demo_builds_checks_links_and_publishes(tmp_path: Path) -> None:
    demo = Srok(tmp_path)

    out = demo.run("demo", "--reset", "--sweep-days", "0").stdout

    assert "Сроки по аккаунтам на 01.12.2026" in out
    assert "найдено 1 (аккаунты [7]), нет ссылки 1 (аккаунты [8])" in out
    assert "Реестр опубликован (п. 3.5) за 2026Q3 2026-10-20: 2 аккаунтов" in out
    assert "Журнал изменений: цепочка цела" in out
    # The standing rules, asked of local fake networks the demo starts (issue 13).
    assert "https://vk.com/kultura_nvl_demo: п. 2.1 — 5 публикаций за неделю" in out
    assert "https://ok.ru/kultura_nvl_demo: п. 2.4 — в описании нет телефона" in out
    assert "https://t.me/sport_nvl_demo: п. 2.1 не проверено — Telegram: у канала" in out
    assert "1. https://vk.com/sport_nvl_fans_demo — ссылка на странице" in out
    assert (
        "Администрация города Новоалтайска: Одноклассники по постановлению № 1520 (демо) "
        "от 12.10.2026 — не создан (срок 30.11.2026, срок истёк)"
    ) in out
    assert "проверено 16 из 22, выполнено 14" in out  # no other finding: the rest are kept
    # Comment moderation (issue 14): the queue the sync leaves, personal data masked.
    assert "прочитано 11 комментариев" in out and "в очереди 8" in out
    assert "в публичном предпросмотре нет комментариев" in out
    assert (
        "https://vk.com/wall-902_105: «Звук на концерте был просто хуёвый, стыдно» — obscene.lexicon"
        in out
    )
    assert "звоните * *** ***-**-21» — personal_data.phone" in out and "765-43" not in out
    assert out.count("— spam.repeated") == 3
    queue = demo.json("moderation", "list")
    assert [i["id"] for i in queue][:1] == [3]  # oldest first
    assert (tmp_path / "reports" / "compliance-2026Q4.html").exists()
    page = (tmp_path / "public" / "current" / "index.html").read_text(encoding="utf-8")
    assert "https://vk.com/novoaltaysk_demo" in page
    assert "Тестова" not in page
    again = demo.run("demo", "--reset", "--sweep-days", "0").stdout
    assert again.count("Реестр опубликован") == 1  # --reset starts over: the same result


def test_audit_verify_passes_then_names_a_tampered_entry_and_exits_1(
    city: Srok, tmp_path: Path
) -> None:
    import sqlite3

    ok = city.json("audit", "verify")
    assert ok["ok"] and ok["entries"] > 5
    log = city.run("audit", "log", "--account", "1").stdout
    assert "создан аккаунт" in log and "it-dept" in log

    db = sqlite3.connect(tmp_path / "srok.db")
    db.execute("DROP TRIGGER audit_entry_no_update")
    db.execute("UPDATE audit_entry SET actor = 'кто-то' WHERE id = 3")
    db.commit()
    db.close()
    broken = city.run("audit", "verify", code=1)

    assert "ЦЕПОЧКА НАРУШЕНА: запись № 3 изменена" in broken.stdout
    assert city.json("audit", "verify", "--anchor", "bad", code=2)["error"]["field"] == "--anchor"


def test_audit_verify_reports_a_dropped_trigger_and_init_restores_it(
    city: Srok, tmp_path: Path
) -> None:
    import sqlite3

    db = sqlite3.connect(tmp_path / "srok.db")
    db.execute("DROP TRIGGER audit_entry_no_delete")
    db.execute("DROP TRIGGER audit_entry_links")
    db.commit()
    db.close()

    broken = city.run("audit", "verify", code=1)
    init = city.json("init")
    fixed = city.json("audit", "verify")

    assert "нет триггера audit_entry_no_delete: выполните `srok init`" in broken.stdout
    assert "нет триггера audit_entry_links" in broken.stdout
    assert init["restored_triggers"] == ["audit_entry_links", "audit_entry_no_delete"]
    assert fixed["ok"] and fixed["missing_triggers"] == []


def test_specialist_update_opens_a_change_notice(city: Srok) -> None:
    done = city.json(
        "specialist", "update", "1", "--changed-on", "2026-11-25", "--email", "new@example.invalid"
    )

    assert done == {"id": 1, "account_ids": [1]}
    change = [s for s in city.json("status") if s["clause"] == "3.2"]
    assert [(s["due"], s["state"]) for s in change] == [("2026-11-30", "overdue")]
    assert (
        city.json("specialist", "update", "1", "--changed-on", "2026-11-25", code=2)["error"][
            "clause"
        ]
        == "3.2"
    )
