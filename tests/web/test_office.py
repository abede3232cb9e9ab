"""The IT department's queue, registry, publication and reminders; the deputy head's figures."""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlmodel import select

from models.tables import Event, Step
from services.events import record_notice
from tests.web.conftest import City, csrf_of, nonce_of


def _notice(city: City, account_id: int, on: date) -> None:
    with city.srok.transaction() as s:
        record_notice(
            session=s,
            calendar=city.srok.calendar,
            account_id=account_id,
            on=on,
            received_on=None,
            actor="test",
            today=city.srok.today(),
        )


def test_the_queue_lists_received_notices_most_urgent_first(city: City, as_role) -> None:
    _notice(city, city.other_account, date(2026, 12, 1))  # due 08.12.2026
    _notice(city, city.account, date(2026, 11, 24))  # due 01.12.2026

    page = as_role("it").get("/it/queue").text

    assert page.index("01.12.2026") < page.index("08.12.2026")
    assert page.index(f"№ {city.account}") < page.index(f"№ {city.other_account}")


def test_entered_into_the_registry_closes_the_step_once_as_the_web_user(
    city: City, as_role
) -> None:
    _notice(city, city.account, date(2026, 11, 24))
    client = as_role("it")
    page = client.get("/it/queue").text
    data = {
        "csrf": csrf_of(page),
        "form": f"entered-{city.account}",
        "nonce": nonce_of(page, f"entered-{city.account}"),
    }

    first = client.post(f"/it/queue/{city.account}/entered", data=data)
    second = client.post(f"/it/queue/{city.account}/entered", data=data)

    assert first.status_code == second.status_code == 303
    with city.srok.transaction() as s:
        entries = s.exec(select(Event).where(Event.kind == "registry_entered")).all()
        step = s.exec(
            select(Step).where(Step.account_id == city.account, Step.clause == "3.5")
        ).one()
    assert [e.actor for e in entries] == ["web:it"]
    assert step.due is not None  # the п. 3.5 term has started
    assert "Очередь пуста" in client.get("/it/queue").text


def test_the_internal_registry_shows_contacts_to_the_it_department(city: City, as_role) -> None:
    page = as_role("it").get("/it/registry").text

    assert "test1@example.invalid" in page and "Тестов Тест 1" in page


def test_the_publication_preview_is_the_page_to_be_published(city: City, as_role) -> None:
    _notice(city, city.account, date(2026, 11, 24))
    client = as_role("it")
    page = client.get("/it/queue").text
    client.post(
        f"/it/queue/{city.account}/entered",
        data={
            "csrf": csrf_of(page),
            "form": f"entered-{city.account}",
            "nonce": nonce_of(page, f"entered-{city.account}"),
        },
    )

    # 2026Q4 is published once it has ended (п. 3.5): on 20.01.2027.
    city.srok.settings = dataclasses.replace(city.srok.settings, today_override=date(2027, 1, 20))
    info = client.get("/it/publication?quarter=2026Q4").text
    preview = client.get("/it/publication/preview?quarter=2026Q4").text
    published = client.post(
        "/it/publication",
        data={"quarter": "2026Q4", "csrf": csrf_of(info), "nonce": nonce_of(info)},
    )

    assert "25.01.2027" in info or "26.01.2027" in info  # the п. 3.5 deadline for 2026Q4
    assert "https://vk.com/kultura_test" in preview and "Тестов" not in preview
    assert published.status_code == 303
    written = (city.srok.settings.home / "public" / "current" / "index.html").read_text()
    assert written.split("<footer>")[0] == preview.split("</main>")[0]  # but the anchor


def test_the_audit_trail_of_an_account_reads_in_russian(city: City, as_role) -> None:
    page = as_role("it").get(f"/it/accounts/{city.account}/audit").text

    assert "открыт шаг" in page or "шаг" in page
    assert "test1@example.invalid" not in page


def test_the_head_reads_the_figures_and_downloads_them(city: City, as_role) -> None:
    client = as_role("head")

    page = client.get("/figures?quarter=2026Q4")
    html = client.get("/figures/report.html?quarter=2026Q4")
    csv = client.get("/figures/report.csv?quarter=2026Q4")

    assert page.status_code == 200 and "Комитет по культуре" in page.text
    assert html.headers["content-type"].startswith("text/html")
    assert csv.text.startswith("quarter,organ,clause")
    assert "attachment" in csv.headers["content-disposition"]


def test_the_head_cannot_write(city: City, as_role) -> None:
    client = as_role("head")
    csrf = csrf_of(client.get("/figures").text)

    response = client.post(f"/it/queue/{city.account}/entered", data={"csrf": csrf})

    assert response.status_code == 403


def test_an_admin_adds_a_user_and_a_short_password_is_refused_with_the_field(
    city: City, as_role
) -> None:
    client = as_role("admin")
    page = client.get("/it/users").text

    short = client.post(
        "/it/users",
        data={
            "login": "new",
            "role": "it",
            "password": "short",
            "csrf": csrf_of(page),
            "nonce": nonce_of(page),
        },
    )

    assert short.status_code == 422
    assert 'value="new"' in short.text and "short" not in short.text.split("<main")[1]


def test_the_figures_follow_every_change_though_they_are_computed_once(city: City, as_role) -> None:
    from services.users import create_token

    with city.srok.transaction() as s:
        headers = {"Authorization": f"Bearer {create_token(session=s, login='head', actor='t')}"}
    client = as_role()
    before = client.get("/api/v1/figures?quarter=2026Q4", headers=headers).json()
    again = client.get("/api/v1/figures?quarter=2026Q4", headers=headers).json()

    _notice(city, city.account, date(2026, 11, 30))  # late: due 25.11.2026
    after = client.get("/api/v1/figures?quarter=2026Q4", headers=headers).json()

    culture = "Комитет по культуре"
    assert before == again
    assert before["totals"][culture]["late"] == 0
    assert after["totals"][culture]["late"] == 1
