"""The findings page (п. 2.1, 2.4, 1.6, 3.1, 1.2) and its /api/v1 twin: who sees what, dismissal."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlmodel import select

from domain.unnotified import SocialLink
from models.tables import AuditEntry, RequiredAccount, RuleCheck, UnnotifiedAccount
from services.required import add_required
from services.unnotified import record_page
from tests.web.conftest import TODAY, City, csrf_of, nonce_of
from tests.web.test_api_office import token

PAGE = "https://novoaltaysk.ru/kultura"


def seed(city: City) -> dict[str, int]:
    """A short week and a description without the phone (culture), a link nobody notified
    (culture), a required OK page (sport); no account's protection confirmed."""
    with city.srok.transaction() as s:
        now = datetime(2026, 11, 30, 1, tzinfo=UTC)
        s.add(RuleCheck(account_id=city.account, rule="2.1", week="2026-W48", checked_at=now,
                        checked=True, ok=False,
                        figures=json.dumps({"week": "2026-W48", "posts": 5, "required": 8})))  # fmt: skip
        s.add(RuleCheck(account_id=city.account, rule="2.4", week="2026-W48", checked_at=now,
                        checked=True, ok=False,
                        figures=json.dumps({"missing": ["phone"], "details": {"phone": "в описании нет телефона"}})))  # fmt: skip
        s.add(RuleCheck(account_id=city.other_account, rule="2.1", week="2026-W48",
                        checked_at=now, checked=True, ok=True, figures=json.dumps({"posts": 9})))  # fmt: skip
        _, (found,) = record_page(
            session=s,
            organ_id=city.organ,
            page=PAGE,
            links=[
                SocialLink("telegram", "https://t.me/kultura_fans", "https://t.me/kultura_fans")
            ],
            today=TODAY,
            actor="test",
            known={},
        )
        required = add_required(
            session=s, organ_id=city.other_organ, network="ok", resolution_number="1520",
            resolution_date=date(2026, 10, 12), due=date(2026, 11, 30), actor="test", today=TODAY,
        )  # fmt: skip
        return {"finding": found, "required": required.id or 0}


def test_the_it_department_sees_every_rules_findings_in_russian(city: City, as_role) -> None:  # type: ignore[no-untyped-def]
    ids = seed(city)
    client = as_role("it")

    page = client.get("/findings")

    assert page.status_code == 200
    text = page.text
    assert (
        "23.11.2026–29.11.2026 (2026-W48)" in text
        and '<strong class="late">5</strong> из 8' in text
    )
    assert "телефон для справок: в описании нет телефона" in text
    assert f'href="/accounts/{city.account}/protection"' in text  # п. 1.6 unconfirmed
    assert f'href="/accounts/{city.other_account}/protection"' in text
    assert "Telegram: https://t.me/kultura_fans" in text and f"Комитет по культуре: {PAGE}" in text
    assert "01.12.2026 (последний раз 01.12.2026)" in text
    assert f'action="/findings/unnotified/{ids["finding"]}/dismiss"' in text
    assert "№ 1520 от 12.10.2026" in text and "30.11.2026, истёк" in text
    assert "Всего замечаний: 6." in text  # 1 week, 1 description, 2 protections, 1 link, 1 required


def test_a_specialist_sees_their_organ_only_whatever_the_address_asks(city: City, as_role) -> None:  # type: ignore[no-untyped-def]
    seed(city)
    client = as_role("sport")

    text = client.get(f"/findings?organ={city.organ}").text

    assert "kultura_fans" not in text and "2026-W48" not in text
    assert f'href="/accounts/{city.other_account}/protection"' in text
    assert f'href="/accounts/{city.account}/protection"' not in text
    assert "№ 1520" in text
    assert "/dismiss" not in text  # marking is the IT department's


def test_register_opens_the_notice_form_filled_in(city: City, as_role) -> None:  # type: ignore[no-untyped-def]
    seed(city)
    client = as_role("it")

    form = client.get(
        f"/notices/new?organ={city.organ}&network=vk&url=https://vk.com/kultura_fans"
    ).text

    assert 'value="https://vk.com/kultura_fans"' in form
    assert f'<option value="{city.organ}" selected>' in form
    assert '<option value="vk" selected>' in form


def test_the_it_department_marks_a_link_as_not_the_organs_once(city: City, as_role) -> None:  # type: ignore[no-untyped-def]
    ids = seed(city)
    client = as_role("it")
    page = client.get("/findings").text
    form = f"dismiss-{ids['finding']}"
    data = {"csrf": csrf_of(page), "form": form, "nonce": nonce_of(page, form),
            "reason": "страница болельщиков, не органа"}  # fmt: skip

    done = client.post(f"/findings/unnotified/{ids['finding']}/dismiss", data=data)
    again = client.post(f"/findings/unnotified/{ids['finding']}/dismiss", data=data)
    after = client.get(done.headers["location"]).text

    assert done.status_code == again.status_code == 303
    assert "kultura_fans" not in after and "закрыта: не аккаунт органа" in after
    with city.srok.transaction() as s:
        row = s.get(UnnotifiedAccount, ids["finding"])
        assert row is not None and row.outcome == "dismissed"
        closed = s.exec(select(AuditEntry).where(AuditEntry.action == "unnotified.closed")).all()
        assert len(closed) == 1


def test_a_dismissal_without_a_reason_comes_back_naming_the_field_and_clause(
    city: City, as_role
) -> None:  # type: ignore[no-untyped-def]
    ids = seed(city)
    client = as_role("it")
    page = client.get("/findings").text
    form = f"dismiss-{ids['finding']}"

    refused = client.post(
        f"/findings/unnotified/{ids['finding']}/dismiss",
        data={"csrf": csrf_of(page), "form": form, "nonce": nonce_of(page, form), "reason": " "},
    )

    assert refused.status_code == 422
    assert "причина: не заполнено" in refused.text and "п. 3.1" in refused.text
    assert 'aria-invalid="true"' in refused.text


def test_a_specialist_cannot_mark_a_finding(city: City, as_role) -> None:  # type: ignore[no-untyped-def]
    ids = seed(city)
    client = as_role("culture")
    page = client.get("/findings").text

    refused = client.post(
        f"/findings/unnotified/{ids['finding']}/dismiss",
        data={"csrf": csrf_of(page), "reason": "не наш"},
    )

    assert refused.status_code == 403


def test_the_api_gives_the_same_findings_and_dismisses_once_per_key(city: City, as_role) -> None:  # type: ignore[no-untyped-def]
    ids = seed(city)
    client = as_role()
    it = {**token(city, "it"), "Idempotency-Key": "k1"}

    found = client.get("/api/v1/findings", headers=token(city, "it")).json()
    mine = client.get("/api/v1/findings", headers=token(city, "sport")).json()
    first = client.post(f"/api/v1/unnotified/{ids['finding']}/dismiss",
                        json={"reason": "не наш"}, headers=it)  # fmt: skip
    second = client.post(f"/api/v1/unnotified/{ids['finding']}/dismiss",
                         json={"reason": "не наш"}, headers=it)  # fmt: skip
    missing = client.post("/api/v1/unnotified/999/dismiss", json={"reason": "x"},
                          headers=token(city, "it"))  # fmt: skip
    empty = client.post(f"/api/v1/unnotified/{ids['finding']}/dismiss", json={"reason": ""},
                        headers=token(city, "admin"))  # fmt: skip

    assert {r: s["total"] for r, s in found["findings"].items()} == {
        "2.1": 1, "2.4": 1, "1.6": 2, "3.1": 1, "1.2": 1}  # fmt: skip
    week = found["findings"]["2.1"]["rows"][0]
    assert (week["account_id"], week["week"], week["posts"]) == (city.account, "2026-W48", 5)
    assert found["findings"]["2.4"]["rows"][0]["missing"] == ["phone"]
    assert found["findings"]["3.1"]["rows"][0]["page"] == PAGE
    assert mine["organ_id"] == city.other_organ
    assert {r: s["total"] for r, s in mine["findings"].items()} == {
        "2.1": 0, "2.4": 0, "1.6": 1, "3.1": 0, "1.2": 1}  # fmt: skip
    assert first.status_code == 200 and first.json()["outcome"] == "dismissed"
    assert second.json()["repeated"] is True
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "finding_id"
    assert empty.status_code == 422 and empty.json()["error"]["field"] == "reason"
    assert empty.json()["error"]["clause"] == "3.1"


def test_a_registered_account_leaves_the_list_without_a_write_by_the_page(
    city: City, as_role
) -> None:  # type: ignore[no-untyped-def]
    from tests.services import helpers

    seed(city)
    with city.srok.transaction() as s:
        helpers.account(
            s, city.srok.calendar, city.organ, network="telegram", url="https://t.me/kultura_fans"
        )
    client = as_role("it")

    text = client.get("/findings").text

    assert "Аккаунтов без уведомления" not in text and "Таких аккаунтов не найдено." in text
    with city.srok.transaction() as s:
        row = s.exec(select(UnnotifiedAccount)).one()
        assert row.closed_on is None  # a GET changes nothing; the next look closes it


def test_the_it_department_records_a_required_account_and_it_is_listed(city: City, as_role) -> None:  # type: ignore[no-untyped-def]
    client = as_role("it")
    page = client.get("/findings").text
    data = {"csrf": csrf_of(page), "form": "required", "nonce": nonce_of(page, "required"),
            "organ": str(city.organ), "network": "ok", "resolution": "1600",
            "resolution_date": "2026-11-02", "due": "2026-12-15"}  # fmt: skip

    done = client.post("/findings/required", data=data)
    again = client.post("/findings/required", data=data)
    after = client.get(done.headers["location"]).text

    assert done.status_code == again.status_code == 303
    assert "Требование № 1 записано" in after
    assert "№ 1600 от 02.11.2026" in after and "15.12.2026" in after
    with city.srok.transaction() as s:
        assert len(s.exec(select(RequiredAccount)).all()) == 1


def test_a_required_account_due_before_its_resolution_comes_back_naming_the_field(
    city: City, as_role
) -> None:  # type: ignore[no-untyped-def]
    client = as_role("it")
    page = client.get("/findings").text

    refused = client.post(
        "/findings/required",
        data={"csrf": csrf_of(page), "form": "required", "nonce": nonce_of(page, "required"),
              "organ": str(city.organ), "network": "ok", "resolution": "1600",
              "resolution_date": "2026-11-02", "due": "2026-11-01"},
    )  # fmt: skip

    assert refused.status_code == 422
    assert (
        "п. 1.2" in refused.text
        and 'id="due" name="due" type="date" value="2026-11-01" required aria-invalid="true"'
        in refused.text
    )
    assert 'value="1600"' in refused.text  # what was typed is kept


def test_a_specialist_cannot_record_a_required_account(city: City, as_role) -> None:  # type: ignore[no-untyped-def]
    client = as_role("culture")
    page = client.get("/findings").text

    refused = client.post("/findings/required", data={"csrf": csrf_of(page), "organ": "1"})

    assert "Записать требование" not in page
    assert refused.status_code == 403


def test_the_api_records_a_required_account_once_per_key(city: City, as_role) -> None:  # type: ignore[no-untyped-def]
    client = as_role()
    headers = {**token(city, "it"), "Idempotency-Key": "r1"}
    body = {"organ": city.other_organ, "network": "vk", "resolution": "1600",
            "resolution_date": "2026-11-02", "due": "2026-12-15"}  # fmt: skip

    first = client.post("/api/v1/required", json=body, headers=headers)
    second = client.post("/api/v1/required", json=body, headers=headers)
    bad = client.post("/api/v1/required", json={**body, "network": "myspace"},
                      headers=token(city, "it"))  # fmt: skip

    assert first.status_code == 201
    assert first.json() == {"id": 1, "organ_id": city.other_organ, "network": "vk",
                            "due": "2026-12-15", "account_id": city.other_account}  # fmt: skip
    assert second.json()["repeated"] is True
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "network"
    assert bad.json()["error"]["clause"] == "1.2"
