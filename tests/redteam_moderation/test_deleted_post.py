"""A publication deleted on the network takes its comments with it (п. 2.5).

Its flagged comments must not wait in the queue as if still on the page, nor bring a
reminder a working day later: the sync notices a deleted comment, and a deleted post
is every one of its comments deleted.
"""

from __future__ import annotations

from sqlmodel import col, select

from models.tables import Comment
from services.app import Srok
from services.moderation_sync import sync
from tests.services.moderation_city import NOW, City, Nets


def run(app: Srok, nets: Nets) -> None:
    clients = nets.clients()
    try:
        sync(app=app, clients=clients, now=NOW)
    finally:
        clients.close()


def test_the_comments_of_a_post_deleted_within_the_window_are_marked_deleted(
    app: Srok, nets: Nets, city: City
) -> None:
    run(app, nets)
    city.vk.posts = [p for p in city.vk.posts if p["id"] != 101]  # deleted on VK

    run(app, nets)

    with app.transaction() as session:
        left = session.exec(
            select(Comment.comment_id).where(
                Comment.post_id == f"-{city.vk.id}_101",
                col(Comment.deleted_on_network_at).is_(None),
            )
        ).all()
    assert left == []
