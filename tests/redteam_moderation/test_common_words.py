"""Three citizens thanking in the same words are not spam (п. 2.5).

"Repeated identical comments" is what a spammer does: one author (or a bot) posting
the same text under post after post. Different people writing the same ordinary
sentence under the city's posts is what a municipal page looks like.
"""

from __future__ import annotations

import json

from sqlmodel import select

from models.tables import Comment
from networks.fakes import vk_comment
from services.app import Srok
from services.moderation_sync import sync
from tests.services.moderation_city import NOW, City, Nets

THANKS = "Спасибо большое за информацию, очень полезно!"


def test_one_sentence_from_three_different_citizens_is_not_spam(
    app: Srok, nets: Nets, city: City
) -> None:
    for number, (post, author) in enumerate([(101, 2001), (102, 2002), (102, 2003)], start=70):
        nets.vk.add_comment(
            city.vk,
            post,
            vk_comment(city.vk, post, number, "2026-11-30T12:00+07:00", THANKS, from_id=author),
        )
    clients = nets.clients()
    try:
        sync(app=app, clients=clients, now=NOW)
    finally:
        clients.close()

    with app.transaction() as session:
        rows = session.exec(select(Comment).where(Comment.text == THANKS)).all()
    assert len(rows) == 3
    assert [json.loads(r.flags) for r in rows] == [[], [], []]


def test_one_citizen_posting_the_same_sentence_under_three_posts_is_spam(
    app: Srok, nets: Nets, city: City
) -> None:
    for number, post in enumerate([101, 102, 102], start=80):
        nets.vk.add_comment(
            city.vk,
            post,
            vk_comment(city.vk, post, number, "2026-11-30T12:00+07:00", THANKS, from_id=2001),
        )
    clients = nets.clients()
    try:
        sync(app=app, clients=clients, now=NOW)
    finally:
        clients.close()

    with app.transaction() as session:
        rows = session.exec(select(Comment).where(Comment.text == THANKS)).all()
    assert [[(f["rule"], f["copies"]) for f in json.loads(r.flags)] for r in rows] == [
        [("spam.repeated", 3)]
    ] * 3
