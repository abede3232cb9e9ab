"""The public registry: what it shows, that it is deterministic and atomic, never personal data."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from domain.calendar import WorkingCalendar
from domain.checks import publishable
from domain.deadlines import DateRule
from domain.errors import RuleViolation
from domain.quarter import Quarter
from models.db import make_engine
from models.tables import Publication, Step
from services.accounts import add_organ, add_specialist, change_account
from services.events import record_notice, record_registry_entry
from services.publish import finish, publish
from tests.conftest import copy_database
from tests.services.helpers import ACTOR, TODAY, account, organ, specialist

ON = date(2027, 1, 20)  # 2026Q4 is published after it ends (п. 3.5)
ROOT = Path(__file__).parents[2]


def _entered(
    session: Session, calendar: WorkingCalendar, account_id: int, notice: date, entry: date
) -> None:
    record_notice(
        session=session,
        calendar=calendar,
        account_id=account_id,
        on=notice,
        received_on=None,
        actor=ACTOR,
        today=TODAY,
    )
    record_registry_entry(
        session=session,
        calendar=calendar,
        account_id=account_id,
        on=entry,
        rule=DateRule.ART_193,
        actor=ACTOR,
        today=TODAY,
    )


def _city(session: Session, calendar: WorkingCalendar) -> None:
    o = organ(session)
    s = specialist(session, o.id or 0, 7)
    a = account(
        session, calendar, o.id or 0, created_on=date(2026, 10, 1), specialist_ids=[s.id or 0]
    )
    _entered(session, calendar, a.id or 0, date(2026, 10, 2), date(2026, 10, 5))
    change_account(
        session=session,
        calendar=calendar,
        account_id=a.id or 0,
        changed_on=date(2026, 11, 2),
        url="https://vk.com/kultura_renamed",
        specialist_ids=None,
        actor=ACTOR,
        today=TODAY,
    )
    _entered(session, calendar, a.id or 0, date(2026, 11, 3), date(2026, 11, 5))
    b = account(
        session,
        calendar,
        o.id or 0,
        network="ok",
        url="https://ok.ru/kultura",
        created_on=date(2026, 11, 20),
    )  # notified but not entered: not public yet
    record_notice(
        session=session,
        calendar=calendar,
        account_id=b.id or 0,
        on=date(2026, 11, 23),
        received_on=None,
        actor=ACTOR,
        today=TODAY,
    )
    session.commit()


def _publish(session: Session, calendar: WorkingCalendar, out: Path, on: date = ON):  # type: ignore[no-untyped-def]
    result = publish(
        session=session,
        calendar=calendar,
        quarter_text="2026Q4",
        on=on,
        out=out,
        rule=DateRule.ART_193,
        actor=ACTOR,
        today=on,
    )
    session.commit()
    finish(out, result)
    return result


def test_the_public_registry_shows_entered_accounts_with_their_history(
    session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _city(session, calendar)

    result = _publish(session, calendar, tmp_path)

    data = json.loads((tmp_path / "current" / "registry.json").read_text(encoding="utf-8"))
    assert data["quarter"] == "2026Q4" and len(data["rows"]) == 1
    row = data["rows"][0]
    assert row["url"] == "https://vk.com/kultura_renamed"
    assert row["previous"] == [
        {
            "url": "https://vk.com/kultura_test",
            "valid_from": "2026-10-01",
            "changed_on": "2026-11-02",
        }
    ]
    assert result.closed_steps == 2 and result.recorded
    page = (tmp_path / "current" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in page and "<script" not in page
    assert '<a href="https://vk.com/kultura_renamed"' in page
    assert "https://vk.com/kultura_test — до 02.11.2026" in page
    assert "IV квартал 2026 г." in page and "20.01.2027" in page
    assert 'scope="col"' in page and "<caption>" in page


def test_the_open_data_set_follows_the_recommendations(
    session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _city(session, calendar)

    _publish(session, calendar, tmp_path)

    folder = tmp_path / "current"
    meta = dict(csv.reader(io.StringIO((folder / "meta.csv").read_text(encoding="utf-8"))))
    assert meta["property"] == "value"
    assert meta["standardversion"] == "http://opendata.gosmonitor.ru/standard/3.0"
    assert meta["modified"] == "20270120" and meta["format"] == "csv"
    assert meta["valid"] == "20270426"  # the next п. 3.5 deadline: 25.04.2027 is a Sunday
    data_file = meta["data-20270120-structure-20261201"]
    assert (folder / data_file).exists() and (folder / meta["structure-20261201"]).exists()
    structure = list(
        csv.reader(io.StringIO((folder / "structure-20261201.csv").read_text("utf-8")))
    )
    assert structure[0] == ["field name", "english description", "russian description", "format"]
    rows = list(csv.DictReader(io.StringIO((folder / data_file).read_text(encoding="utf-8"))))
    assert [f[0] for f in structure[1:]] == list(rows[0])
    assert rows[0]["previous"] == "https://vk.com/kultura_test (до 2026-11-02)"
    document = json.loads((folder / "registry.json").read_text(encoding="utf-8"))
    shared = (set(rows[0]) - {"num"}) & set(document["rows"][0])
    assert shared == set(rows[0]) - {"num"}  # one name for one field in every file
    assert all(rows[0][k] == document["rows"][0][k] for k in shared - {"previous"})
    previous_field = next(f for f in structure if f[0] == "previous")
    assert (
        "АДРЕС (до ГГГГ-ММ-ДД)" in previous_field[2]
        and "ADDRESS (до YYYY-MM-DD)" in (previous_field[1])
    )
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "Внесено в Реестр" in page and "05.11.2026" in page
    assert "meta.csv</a> — паспорт набора открытых данных" in page
    assert f"{data_file}</a> — данные Реестра в формате CSV" in page


def test_the_same_registry_gives_byte_identical_files(
    session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _city(session, calendar)
    first = _publish(session, calendar, tmp_path / "a")
    again = _publish(session, calendar, tmp_path / "b")  # the same quarter and day: a repeat

    for name in first.files:
        assert (tmp_path / "a" / "current" / name).read_bytes() == (
            tmp_path / "b" / "current" / name
        ).read_bytes(), name
    assert not again.recorded and again.closed_steps == 0


def test_a_second_publication_keeps_the_first_and_moves_current(
    session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _city(session, calendar)
    out = tmp_path / "public"
    first = publish(
        session=session,
        calendar=calendar,
        quarter_text="2026Q3",
        on=date(2026, 10, 20),
        out=out,
        rule=DateRule.ART_193,
        actor=ACTOR,
        today=TODAY,
    )
    session.commit()
    finish(out, first)
    second = _publish(session, calendar, out)

    assert sorted(p.name for p in out.iterdir()) == [
        "2026Q3-20261020",
        "2026Q4-20270120",
        "current",
    ]
    assert (out / "current").resolve().name == "2026Q4-20270120"
    assert second.changed == ["https://vk.com/kultura_test → https://vk.com/kultura_renamed"]


def test_a_publication_for_the_same_quarter_on_another_day_is_refused(
    session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _city(session, calendar)
    _publish(session, calendar, tmp_path)

    with pytest.raises(RuleViolation) as error:
        _publish(session, calendar, tmp_path, on=date(2027, 1, 21))

    assert error.value.clause == "3.5"


@pytest.mark.parametrize(
    ("quarter", "on", "field"),
    [
        ("2022Q4", date(2023, 1, 20), "--quarter"),  # before the procedure was adopted
        ("2026Q4", date(2026, 12, 1), "--on"),  # the quarter is not over
        ("2026Q4", date(2026, 12, 31), "--on"),  # its last day still belongs to it
    ],
)
def test_a_quarter_outside_the_procedure_or_not_yet_over_is_refused_and_nothing_written(
    session: Session, calendar: WorkingCalendar, tmp_path: Path, quarter: str, on: date, field: str
) -> None:
    _city(session, calendar)
    out = tmp_path / "public"

    with pytest.raises(RuleViolation) as error:
        publish(
            session=session,
            calendar=calendar,
            quarter_text=quarter,
            on=on,
            out=out,
            rule=DateRule.ART_193,
            actor=ACTOR,
            today=ON,
        )
    session.rollback()

    assert (error.value.field, error.value.clause) == (field, "3.5")
    assert not out.exists()
    assert session.exec(select(Publication)).all() == []


def test_the_first_quarter_of_the_procedure_can_be_published() -> None:
    publishable(Quarter(2023, 1), date(2023, 4, 20))  # adopted 27.03.2023: entries possible

    with pytest.raises(RuleViolation):
        publishable(Quarter(2022, 4), date(2023, 4, 20))


def test_current_never_moves_back_to_an_older_quarter(
    session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _city(session, calendar)
    out = tmp_path / "public"
    _publish(session, calendar, out)
    served = (out / "current").resolve().name

    with pytest.raises(RuleViolation) as error:
        publish(
            session=session,
            calendar=calendar,
            quarter_text="2026Q3",
            on=ON,
            out=out,
            rule=DateRule.ART_193,
            actor=ACTOR,
            today=ON,
        )
    session.rollback()

    assert (error.value.field, error.value.clause) == ("--quarter", "3.5")
    assert (out / "current").resolve().name == served == "2026Q4-20270120"
    assert sorted(p.name for p in out.iterdir()) == ["2026Q4-20270120", "current"]
    assert [p.quarter for p in session.exec(select(Publication))] == ["2026Q4"]


def test_a_failed_write_records_nothing(
    session: Session, calendar: WorkingCalendar, tmp_path: Path
) -> None:
    _city(session, calendar)
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")

    with pytest.raises(OSError):
        publish(
            session=session,
            calendar=calendar,
            quarter_text="2026Q4",
            on=ON,
            out=blocked,
            rule=DateRule.ART_193,
            actor=ACTOR,
            today=ON,
        )
    session.rollback()

    assert (
        session.exec(select(Step).where(Step.clause == "3.5", Step.done_on.is_not(None))).all()
        == []
    )  # type: ignore[union-attr]


# Each name part carries «ъъ», which no Russian word has, so that finding it in
# published text can only mean a leak (a bare random «ВКон» is inside «ВКонтакте»).
LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯабвгдежзиклмнопрстуфхцчшэюя"
NAME_PART = st.builds(
    lambda a, b: f"{a}ъъ{b}",
    st.text(alphabet=LETTERS, min_size=1, max_size=6),
    st.text(alphabet=LETTERS, min_size=1, max_size=6),
)
PEOPLE = st.tuples(
    NAME_PART,
    NAME_PART,
    st.builds(lambda p: f"ведущий {p}", NAME_PART),  # the position: п. 3.3 абзац 5 too
    st.from_regex(r"\+7 9\d\d \d\d\d-\d\d-\d\d", fullmatch=True),
    st.from_regex(r"[a-z]{4,10}\.[a-z]{3,8}@[a-z]{3,8}\.invalid", fullmatch=True),
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=st.lists(PEOPLE, min_size=1, max_size=3))
def test_no_personal_data_of_specialists_is_ever_published(
    calendar: WorkingCalendar,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
    people: list[tuple[str, str, str, str, str]],
) -> None:
    home = tmp_path_factory.mktemp("pd")
    engine = make_engine(f"sqlite:///{copy_database(sqlite_template, home)}")
    with Session(engine) as session:
        o = add_organ(session=session, name="Комитет", actor=ACTOR, today=TODAY)
        ids = [
            add_specialist(
                session=session,
                organ_id=o.id or 0,
                name=f"{last} {first}",
                position=position,
                phone=phone,
                email=email,
                actor=ACTOR,
                today=TODAY,
            ).id
            or 0
            for last, first, position, phone, email in people
        ]
        a = account(session, calendar, o.id or 0, created_on=date(2026, 10, 1), specialist_ids=ids)
        _entered(session, calendar, a.id or 0, date(2026, 10, 2), date(2026, 10, 5))
        session.commit()
        result = _publish(session, calendar, home / "public")
    engine.dispose()

    published = b"".join((home / "public" / "current" / name).read_bytes() for name in result.files)
    assert "Комитет".encode() in published  # the public part is there
    for last, first, position, phone, email in people:
        for secret in (last, first, position, phone, email, phone.replace(" ", "")):
            assert secret.encode() not in published, secret


def _publish_in_a_process(
    template: Path, home: Path, out: Path, *, order_seed: int, hash_seed: int
) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.publication.publish_worker",
            str(template),
            str(home),
            str(out),
            str(order_seed),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "36"


def _without_the_chain_head(name: str, data: bytes) -> bytes:
    """Drop what rightly differs between two databases: the audit head and the row ids."""
    if name == "index.html":
        return re.sub(rb"<footer>.*?</footer>", b"", data, flags=re.S)
    if name == "registry.json":
        document = json.loads(data)
        document.pop("audit_head")
        for row in document["rows"]:
            row.pop("account_id")
        return json.dumps(document, ensure_ascii=False, indent=1).encode()
    return data


def test_publications_are_byte_identical_across_processes_and_insertion_orders(
    sqlite_template: Path, tmp_path: Path
) -> None:
    first, other = tmp_path / "first", tmp_path / "other"

    _publish_in_a_process(sqlite_template, first, first / "a", order_seed=1, hash_seed=1)
    _publish_in_a_process(sqlite_template, first, first / "b", order_seed=1, hash_seed=2)
    _publish_in_a_process(sqlite_template, other, other / "a", order_seed=2, hash_seed=3)

    names = sorted(p.name for p in (first / "a" / "current").iterdir())
    assert "index.html" in names and len(names) == 5
    for name in names:
        published = (first / "a" / "current" / name).read_bytes()
        # The same database republished under another hash seed: every byte the same.
        assert (first / "b" / "current" / name).read_bytes() == published, name
        # The same registry written in another order: the same but for the chain's head.
        assert _without_the_chain_head(
            name, (other / "a" / "current" / name).read_bytes()
        ) == _without_the_chain_head(name, published), name


def test_addresses_and_names_are_escaped_in_the_public_page() -> None:
    from html.parser import HTMLParser

    from publication.html import render

    organ = 'Комитет <b>по делам</b> молодёжи & спорта "Старт"'
    url = 'https://vk.com/club1?w=wall-1_2&z="x"<script>'
    previous = "https://vk.com/old?a=1&b=<i>2</i>"
    rows = [
        {
            "organ": organ,
            "network": "ВКонтакте",
            "url": url,
            "created_on": "2026-10-01",
            "entered_on": "2026-10-05",
            "previous": [{"url": previous, "valid_from": "2026-10-01", "changed_on": "2026-11-02"}],
        }
    ]

    page = render(rows, quarter_words="IV квартал 2026 г.", published_on=ON, files=[]).decode()

    class Cells(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.cells: list[str] = []
            self.hrefs: list[str] = []
            self.depth = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "td":
                self.cells.append("")
                self.depth += 1
            if tag == "a" and self.depth:
                self.hrefs.append(dict(attrs).get("href") or "")

        def handle_endtag(self, tag: str) -> None:
            if tag == "td":
                self.depth -= 1

        def handle_data(self, data: str) -> None:
            if self.depth:
                self.cells[-1] += data

    parsed = Cells()
    parsed.feed(page)
    assert parsed.cells[0] == organ
    assert parsed.cells[2] == url and parsed.hrefs == [url]
    assert parsed.cells[4] == f"{previous} — до 02.11.2026"
    assert "<script>" not in page and "<b>по делам" not in page
