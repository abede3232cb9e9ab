"""Network answers that lie or carry hostile text: the sync stores each comment once and goes on."""

from __future__ import annotations

from sqlmodel import col, select

from models.tables import Comment
from networks.fakes import vk_comment
from services.app import Srok
from services.moderation_sync import SyncReport, sync
from tests.services.moderation_city import NOW, OBSCENE, City, Nets


def run(app: Srok, nets: Nets) -> SyncReport:
    clients = nets.clients()
    try:
        return sync(app=app, clients=clients, now=NOW)
    finally:
        clients.close()


def rows(app: Srok) -> list[Comment]:
    with app.transaction() as session:
        return list(session.exec(select(Comment).order_by(col(Comment.id))).all())


def test_a_comment_the_network_gives_twice_in_one_answer_is_stored_once(
    app: Srok, nets: Nets, city: City
) -> None:
    twice = vk_comment(city.vk, 102, 40, "2026-11-30T12:00+07:00", OBSCENE)
    nets.vk.add_comment(city.vk, 102, twice)
    nets.vk.add_comment(city.vk, 102, dict(twice))

    report = run(app, nets)

    assert [r.comment_id for r in rows(app)].count("40") == 1
    assert report.total("new") == 12  # the city's 11 and this one


def test_a_nul_byte_in_a_comment_does_not_stop_the_sync(app: Srok, nets: Nets, city: City) -> None:
    nets.vk.add_comment(
        city.vk, 102, vk_comment(city.vk, 102, 41, "2026-11-30T12:00+07:00", "Привет\x00мир")
    )

    run(app, nets)

    texts = {r.comment_id: r.text for r in rows(app) if r.account_id == city.accounts["vk"]}
    assert "41" in texts and "Привет" in texts["41"] and "мир" in texts["41"]


def test_a_lone_surrogate_in_a_comment_does_not_stop_the_sync(
    app: Srok, nets: Nets, city: City
) -> None:
    # json.dumps writes it as \ud800, which the client's JSON parser turns back into a lone
    # surrogate: a str that cannot be encoded to UTF-8.
    nets.vk.add_comment(
        city.vk, 102, vk_comment(city.vk, 102, 42, "2026-11-30T12:00+07:00", "битый \ud800 текст")
    )

    run(app, nets)

    assert "42" in {r.comment_id for r in rows(app)}
