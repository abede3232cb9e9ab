"""A specialist files notices, reports the link, grants access: through the forms."""

from __future__ import annotations

from sqlmodel import select

from models.tables import AuditEntry, Event, Step
from tests.web.conftest import City, csrf_of, nonce_of

NOTICE = {
    "network": "ok",
    "url": "https://ok.ru/group/7001",
    "created_on": "2026-11-30",
    "specialist_1_full_name": "Новая Нина Ивановна",
    "specialist_1_position": "ведущий специалист",
    "specialist_1_phone": "+7 000 000-00-77",
    "specialist_1_email": "new@example.invalid",
    "access_1": "Новая Н. И.",
}


def test_a_notice_filed_creates_the_account_and_records_it_sent_and_received_now(
    city: City, as_role
) -> None:
    client = as_role("culture")
    form = client.get("/notices/new").text

    response = client.post(
        "/notices", data={**NOTICE, "csrf": csrf_of(form), "nonce": nonce_of(form)}
    )

    assert response.status_code == 303
    account_id = int(response.headers["location"].split("/")[2].split("?")[0])
    page = client.get(response.headers["location"]).text
    assert "Уведомление записано" in page
    assert "Новая Нина Ивановна" in page
    with city.srok.transaction() as s:
        steps = s.exec(select(Step).where(Step.account_id == account_id)).all()
        by_clause = {st.clause: st for st in steps}
        actors = {
            e.actor for e in s.exec(select(AuditEntry).where(AuditEntry.account_id == account_id))
        }
    assert by_clause["3.1"].done_on.isoformat() == "2026-12-01"
    assert by_clause["3.4"].counted_from.isoformat() == "2026-12-01"
    assert "web:culture" in actors


def test_a_double_submit_records_the_notice_once(city: City, as_role) -> None:
    client = as_role("culture")
    form = client.get("/notices/new").text
    data = {**NOTICE, "csrf": csrf_of(form), "nonce": nonce_of(form)}

    first = client.post("/notices", data=data)
    second = client.post("/notices", data=data)

    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    with city.srok.transaction() as s:
        created = s.exec(select(Event).where(Event.kind == "account_created")).all()
        notices = s.exec(select(Event).where(Event.kind == "notice_sent")).all()
    assert len(created) == 3  # two from the fixture, one from the form
    assert len(notices) == 1


def test_bad_input_comes_back_with_the_fields_kept_and_the_field_and_clause_named(
    city: City, as_role
) -> None:
    client = as_role("culture")
    form = client.get("/notices/new").text
    data = {**NOTICE, "created_on": "2027-01-10", "csrf": csrf_of(form), "nonce": nonce_of(form)}

    response = client.post("/notices", data=data)

    assert response.status_code == 422
    assert 'href="#created_on"' in response.text
    assert "п. 3.1" in response.text
    assert 'value="Новая Нина Ивановна"' in response.text
    assert 'value="https://ok.ru/group/7001"' in response.text
    with city.srok.transaction() as s:
        assert s.exec(select(Event).where(Event.kind == "notice_sent")).all() == []


def test_a_missing_specialist_is_refused_naming_the_row(city: City, as_role) -> None:
    client = as_role("culture")
    form = client.get("/notices/new").text
    data = {**NOTICE, "specialist_1_phone": "", "csrf": csrf_of(form), "nonce": nonce_of(form)}

    response = client.post("/notices", data=data)

    assert response.status_code == 422
    assert 'href="#specialist_1_phone"' in response.text
    assert 'aria-invalid="true"' in response.text


def test_a_change_notice_records_the_new_address_and_the_notice(city: City, as_role) -> None:
    client = as_role("culture")
    with city.srok.transaction() as s:
        from services.events import record_notice

        record_notice(
            session=s,
            calendar=city.srok.calendar,
            account_id=city.account,
            on=city.srok.today(),
            received_on=None,
            actor="test",
            today=city.srok.today(),
        )
    form = client.get(f"/accounts/{city.account}/change").text
    data = {
        "changed_on": "2026-11-30",
        "url": "https://vk.com/kultura_renamed",
        "specialist_1_full_name": "Тестов Тест 1",
        "specialist_1_position": "главный специалист",
        "specialist_1_phone": "+7 000 000-00-01",
        "specialist_1_email": "test1@example.invalid",
        "csrf": csrf_of(form),
        "nonce": nonce_of(form),
    }

    response = client.post(f"/accounts/{city.account}/change", data=data)

    assert response.status_code == 303, response.text
    page = client.get(f"/accounts/{city.account}").text
    assert "https://vk.com/kultura_renamed" in page
    assert "https://vk.com/kultura_test (до 30.11.2026)" in page


def test_access_is_granted_and_a_fourth_person_refused_under_clause_1_6(
    city: City, as_role
) -> None:
    client = as_role("culture")
    for person in ("Первый", "Второй", "Третий"):
        page = client.get(f"/accounts/{city.account}").text
        done = client.post(
            f"/accounts/{city.account}/access",
            data={
                "person": person,
                "do": "grant",
                "csrf": csrf_of(page),
                "form": "access",
                "nonce": nonce_of(page, "access"),
            },
        )
        assert done.status_code == 303
    page = client.get(f"/accounts/{city.account}").text

    refused = client.post(
        f"/accounts/{city.account}/access",
        data={
            "person": "Четвёртый",
            "do": "grant",
            "csrf": csrf_of(page),
            "form": "access",
            "nonce": nonce_of(page, "access"),
        },
    )

    assert refused.status_code == 422
    assert "п. 1.6" in refused.text
    assert 'value="Четвёртый"' in refused.text
