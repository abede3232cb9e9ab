"""The moderation queue in the web app and its /api/v1 twin (п. 2.5): roles, masking, decisions."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

from sqlmodel import func, select

from models.tables import AuditEntry, Comment
from services.users import create_token
from tests.web.conftest import City, csrf_of

PHONE = "+7 913 123-45-67"
MASKED = "+7 *** ***-**-67"


def add_comment(
    city: City,
    account_id: int,
    n: int,
    *,
    text: str = f"Звоните мне {PHONE}",
    masked: str = f"Звоните мне {MASKED}",
    state: str = "flagged",
    hours_ago: float = 24 * 20,  # over any run of holidays: always a working day and more
) -> int:
    published = datetime.now(UTC) - timedelta(hours=hours_ago)
    flags = (
        [{"category": "personal_data", "fragment": MASKED, "rule": "personal_data.phone"}]
        if state == "flagged"
        else []
    )
    with city.srok.transaction() as s:
        c = Comment(
            account_id=account_id,
            network="vk",
            post_id="-1_5",
            comment_id=str(n),
            post_url="https://vk.com/wall-1_5",
            published_at=published,
            text=text,
            text_masked=masked,
            text_hash=hashlib.sha256(text.encode()).hexdigest(),
            repeat_key=hashlib.sha256(f"{n}".encode()).hexdigest(),
            author_ref="id4242",
            flags=json.dumps(flags, ensure_ascii=False),
            state=state,
            flagged_at=published if state == "flagged" else None,
        )
        s.add(c)
        s.flush()
        return c.id or 0


def _audit(city: City) -> int:
    with city.srok.transaction() as s:
        return s.exec(select(func.count()).select_from(AuditEntry)).one()


def _comment(city: City, comment_id: int) -> Comment:
    with city.srok.transaction() as s:
        c = s.get(Comment, comment_id)
        assert c is not None
        s.expunge(c)
        return c


def _post(client, url: str, page_html: str, **data: str):  # type: ignore[no-untyped-def]
    form = data.pop("form")
    nonce = re.search(
        rf'name="form" value="{re.escape(form)}">\s*<input type="hidden" name="nonce" value="([^"]+)"',
        page_html,
    )
    assert nonce, f"no form {form} on the page"
    return client.post(
        url, data={"csrf": csrf_of(page_html), "form": form, "nonce": nonce.group(1), **data}
    )


def test_a_specialist_sees_their_organs_queue_oldest_first_with_the_text_as_written(
    city: City, as_role
) -> None:
    newer = add_comment(city, city.account, 1, hours_ago=2)
    older = add_comment(city, city.account, 2, hours_ago=24 * 30)
    add_comment(city, city.other_account, 3, text="чужой комментарий", masked="чужой комментарий")
    client = as_role("culture")

    home = client.get("/moderation")
    response = client.get(f"/moderation/organs/{city.organ}")

    assert home.status_code == 303
    assert home.headers["location"] == f"/moderation/organs/{city.organ}"
    assert response.status_code == 200
    html = response.text
    assert html.index(f"Комментарий № {older}") < html.index(f"Комментарий № {newer}")
    assert PHONE in html and "чужой комментарий" not in html
    assert "персональные данные граждан: «+7 *** ***-**-67»" in html
    assert "ждёт дольше рабочего дня" in html
    assert "id4242" not in html


def test_the_deputy_head_reads_the_queue_masked_and_cannot_decide(city: City, as_role) -> None:
    c = add_comment(city, city.account, 1)
    head = as_role("head")
    it = as_role("it")

    masked = head.get(f"/moderation/organs/{city.organ}")
    whole = it.get(f"/moderation/organs/{city.organ}")
    refused = head.post(
        f"/moderation/organs/{city.organ}/comments/{c}/decision",
        data={"csrf": csrf_of(masked.text), "decision": "removed"},
    )

    assert masked.status_code == 200
    assert PHONE not in masked.text and MASKED in masked.text
    assert "Персональные данные в текстах скрыты" in masked.text
    assert "/decision" not in masked.text
    assert PHONE in whole.text
    assert refused.status_code == 403
    assert _comment(city, c).state == "flagged"


def test_a_specialist_cannot_reach_another_organs_queue_nor_its_comments(
    city: City, as_role
) -> None:
    theirs = add_comment(city, city.other_account, 1)
    client = as_role("culture")
    own_page = client.get(f"/moderation/organs/{city.organ}")

    other_page = client.get(f"/moderation/organs/{city.other_organ}")
    other_post = client.post(
        f"/moderation/organs/{city.other_organ}/comments/{theirs}/decision",
        data={"csrf": csrf_of(own_page.text), "decision": "removed"},
    )
    through_own = client.post(
        f"/moderation/organs/{city.organ}/comments/{theirs}/decision",
        data={"csrf": csrf_of(own_page.text), "decision": "removed"},
    )

    assert other_page.status_code == 403 and other_post.status_code == 403
    assert through_own.status_code == 404
    assert _comment(city, theirs).state == "flagged"


def test_removed_is_recorded_once_in_the_audit_trail_even_if_the_button_is_pressed_twice(
    city: City, as_role
) -> None:
    c = add_comment(city, city.account, 1)
    client = as_role("culture")
    page = client.get(f"/moderation/organs/{city.organ}").text
    before = _audit(city)
    url = f"/moderation/organs/{city.organ}/comments/{c}/decision"

    first = _post(client, url, page, form=f"removed-{c}", decision="removed")
    second = _post(client, url, page, form=f"removed-{c}", decision="removed")

    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    stored = _comment(city, c)
    assert stored.state == "removed" and stored.decided_by == "web:culture"
    assert _audit(city) == before + 1
    with city.srok.transaction() as s:
        entry = s.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()  # type: ignore[union-attr]
        assert entry is not None and entry.action == "moderation.decided"
        assert PHONE not in (entry.before or "") + (entry.after or "")
    assert f"Решение по комментарию № {c} записано" in client.get(first.headers["location"]).text


def test_kept_needs_a_reason_and_restricted_needs_the_networks_rule(city: City, as_role) -> None:
    c = add_comment(city, city.account, 1)
    client = as_role("culture")
    page = client.get(f"/moderation/organs/{city.organ}").text
    url = f"/moderation/organs/{city.organ}/comments/{c}/decision"
    before = _audit(city)

    no_reason = _post(client, url, page, form=f"kept-{c}", decision="kept", reason=" ")
    no_rule = _post(client, url, page, form=f"restricted-{c}", decision="user_restricted")

    assert no_reason.status_code == no_rule.status_code == 422
    assert "причину" in no_reason.text and "(п. 2.5 Порядка)" in no_reason.text
    assert f'id="reason-{c}" name="reason" required value=" " aria-invalid="true"' in no_reason.text
    assert "правило сети" in no_rule.text
    assert f'href="#rule-{c}"' in no_rule.text
    assert _audit(city) == before and _comment(city, c).state == "flagged"

    kept = _post(client, url, page, form=f"kept-{c}", decision="kept", reason="критика по теме")

    assert kept.status_code == 303
    stored = _comment(city, c)
    assert stored.state == "kept" and stored.decision_reason == "критика по теме"


def test_a_clean_comment_filed_by_hand_enters_the_queue(city: City, as_role) -> None:
    c = add_comment(
        city,
        city.account,
        1,
        text="Всё это враньё про мэра",
        masked="Всё это враньё про мэра",
        state="clean",
    )
    client = as_role("it")
    page = client.get(f"/moderation/organs/{city.organ}").text
    assert "Последние комментарии без отметок" in page and "враньё про мэра" in page

    response = _post(
        client,
        f"/moderation/organs/{city.organ}/comments/{c}/filing",
        page,
        form=f"filing-{c}",
        category="unverified",
        note="о главе города",
    )

    assert response.status_code == 303
    stored = _comment(city, c)
    assert stored.state == "flagged" and stored.flagged_at is not None
    assert json.loads(stored.flags)[0]["category"] == "unverified"
    queue = client.get(f"/moderation/organs/{city.organ}").text
    assert "недостоверные сведения о должностных лицах" in queue


def test_a_post_without_the_csrf_token_records_nothing(city: City, as_role) -> None:
    c = add_comment(city, city.account, 1)
    client = as_role("culture")

    response = client.post(
        f"/moderation/organs/{city.organ}/comments/{c}/decision", data={"decision": "removed"}
    )

    assert response.status_code == 403
    assert _comment(city, c).state == "flagged"


def test_the_office_sees_every_organ_with_comments(city: City, as_role) -> None:
    add_comment(city, city.account, 1)
    add_comment(city, city.other_account, 2, state="clean")

    html = as_role("head").get("/moderation").text

    assert "Комитет по культуре" in html and "Комитет по спорту" in html


def _token(city: City, login: str) -> dict[str, str]:
    with city.srok.transaction() as s:
        return {"Authorization": f"Bearer {create_token(session=s, login=login, actor='test')}"}


def test_the_api_twin_reads_the_queue_and_records_a_decision_once(city: City, as_role) -> None:
    c = add_comment(city, city.account, 1)
    client = as_role()
    culture, head = _token(city, "culture"), _token(city, "head")
    url = f"/api/v1/organs/{city.organ}/comments/{c}/decision"

    queue = client.get(f"/api/v1/organs/{city.organ}/moderation", headers=culture).json()
    masked = client.get(f"/api/v1/organs/{city.organ}/moderation", headers=head).json()
    other = client.get(f"/api/v1/organs/{city.other_organ}/moderation", headers=culture)
    bad = client.post(url, json={"decision": "user_restricted"}, headers=culture)
    by_head = client.post(url, json={"decision": "removed"}, headers=head)
    key = {**culture, "Idempotency-Key": "k1"}
    done = client.post(
        url, json={"decision": "user_restricted", "rule": "правила VK п. 3"}, headers=key
    )
    again = client.post(
        url, json={"decision": "user_restricted", "rule": "правила VK п. 3"}, headers=key
    )

    (item,) = queue["waiting"]
    assert item["id"] == c and item["text"].endswith(PHONE) and item["over_working_day"]
    assert masked["waiting"][0]["text"].endswith(MASKED) and not masked["text_unmasked"]
    assert other.status_code == 403
    assert bad.status_code == 422
    assert bad.json()["error"] == {
        "field": "rule",
        "clause": "2.5",
        "message": "ограничивая пользователя, укажите правило сети, по которому это сделано (--rule)",
    }
    assert by_head.status_code == 403
    assert done.status_code == 200 and done.json()["state"] == "user_restricted"
    assert again.json()["repeated"] is True
    assert _comment(city, c).network_rule == "правила VK п. 3"


def test_no_get_of_the_moderation_pages_changes_anything(city: City, as_role) -> None:
    add_comment(city, city.account, 1)
    before = _audit(city)

    statuses = [
        as_role("admin").get(path).status_code
        for path in ("/moderation", f"/moderation/organs/{city.organ}")
    ]

    assert statuses == [200, 200]
    assert _audit(city) == before


def test_the_deputy_head_finds_time_to_moderation_on_the_figures_page(city: City, as_role) -> None:
    c = add_comment(city, city.account, 1, hours_ago=1)
    culture = _token(city, "culture")
    as_role().post(
        f"/api/v1/organs/{city.organ}/comments/{c}/decision",
        json={"decision": "removed"},
        headers=culture,
    )

    html = as_role("head").get("/figures").text

    assert "Модерация комментариев (п. 2.5)" in html
    assert (
        '<th scope="row">Комитет по культуре</th><td data-label="Решений за квартал">1</td>' in html
    )
