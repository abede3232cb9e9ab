"""`srok moderation sync` against the local fake networks: each comment once, flagged by п. 2.5."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from models.tables import Comment, ModerationCursor
from networks.fakes import vk_comment
from services.app import Srok
from services.audit import AUDIT
from services.moderation import queue
from services.moderation_sync import SyncReport, days_setting, sync
from services.settings import Settings
from tests.conftest import TODAY
from tests.services.moderation_city import (
    CLEAN,
    EMAIL,
    ENGAGEMENT,
    NOW,
    OBSCENE,
    PERSONAL,
    PHONE,
    QUESTION,
    REPEATED,
    SPAM,
    City,
    Nets,
    fill,
    running_nets,
)


@pytest.fixture
def nets() -> Iterator[Nets]:
    yield from running_nets()


@pytest.fixture
def app(engine: sa.Engine, tmp_path: Path) -> Iterator[Srok]:
    """The app on the test database: a SQLite copy, or a PostgreSQL schema when set."""
    settings = Settings(
        home=tmp_path,
        database_url=engine.url.render_as_string(hide_password=False),
        calendar_file=tmp_path / "calendar.toml",
        publication_rule=Settings.from_env({}).publication_rule,
        today_override=TODAY,
    )
    application = Srok(settings, actor="moderation-sync")
    application.__dict__["engine"] = engine  # the fixture's engine (its PostgreSQL schema)
    yield application


@pytest.fixture
def city(app: Srok, nets: Nets) -> City:
    with app.transaction() as session:
        return fill(session, app.calendar, nets)


def run(app: Srok, nets: Nets, **kwargs: object) -> SyncReport:
    clients = nets.clients()
    try:
        return sync(app=app, clients=clients, now=NOW, **kwargs)  # type: ignore[arg-type]
    finally:
        clients.close()


def stored(app: Srok) -> dict[str, Comment]:
    with app.transaction() as session:
        rows = session.exec(select(Comment).order_by(col(Comment.id))).all()
        return {row.text: row for row in rows}


def categories(row: Comment) -> set[str]:
    return {flag["category"] for flag in json.loads(row.flags)}


def test_each_category_of_the_rules_reaches_the_queue_and_the_rest_stay_out(
    app: Srok, nets: Nets, city: City
) -> None:
    report = run(app, nets)

    rows = stored(app)
    assert categories(rows[OBSCENE]) == {"obscene"}
    assert categories(rows[PERSONAL]) == {"personal_data"}
    assert categories(rows[EMAIL]) == {"personal_data"}
    assert categories(rows[SPAM]) == {"spam"}
    assert categories(rows[ENGAGEMENT]) == {"engagement"}
    assert rows[CLEAN].state == "clean" and rows[QUESTION].state == "clean"
    with app.transaction() as session:
        waiting = queue(session=session, organ_id=city.organ_id)
    assert [item.text for item in waiting] == [OBSCENE, PERSONAL, ENGAGEMENT, SPAM, REPEATED,
                                               EMAIL, REPEATED, REPEATED]  # fmt: skip
    assert report.total("flagged") == 8 and report.total("new") == 11


def test_a_text_posted_three_times_across_posts_and_networks_is_spam_in_every_copy(
    app: Srok, nets: Nets, city: City
) -> None:
    run(app, nets)

    with app.transaction() as session:
        copies = session.exec(select(Comment).where(Comment.text == REPEATED)).all()
    assert {(c.network, c.post_id) for c in copies} == {
        ("vk", "-555_101"), ("vk", "-555_102"), ("max", "mid.30"),
    }  # fmt: skip
    for copy in copies:
        flags = json.loads(copy.flags)
        assert copy.state == "flagged"
        assert [(f["rule"], f["copies"]) for f in flags] == [("spam.repeated", 3)]


def test_personal_data_is_stored_masked_for_everyone_but_the_moderators(
    app: Srok, nets: Nets, city: City
) -> None:
    report = run(app, nets)

    row = stored(app)[PERSONAL]
    assert PHONE not in row.text_masked and row.text_masked.endswith("67, расскажу про яму")
    assert PHONE[-5:-3] not in json.loads(row.flags)[0]["fragment"]
    assert row.text == PERSONAL  # the account's moderators see what was written
    with app.transaction() as session:
        item = next(i for i in queue(session=session) if i.id == row.id)
    assert PHONE not in json.dumps(item.as_dict(), ensure_ascii=False)
    assert PHONE in item.as_dict(unmasked=True)["text"]
    said = json.dumps(report.as_dict(), ensure_ascii=False)
    assert "позвоните" not in said.lower() and "1001" not in said  # no text, no author


def test_a_second_sync_stores_nothing_new_and_changes_nothing(
    app: Srok, nets: Nets, city: City
) -> None:
    run(app, nets)
    before = {text: (r.id, r.state, r.flags, r.flagged_at) for text, r in stored(app).items()}

    again = run(app, nets)

    after = {text: (r.id, r.state, r.flags, r.flagged_at) for text, r in stored(app).items()}
    assert after == before
    assert (again.total("new"), again.total("flagged"), again.total("edited")) == (0, 0, 0)
    assert again.total("read") == 11


def test_only_publications_inside_the_window_are_read(app: Srok, nets: Nets, city: City) -> None:
    run(app, nets)

    with app.transaction() as session:
        posts = set(session.exec(select(Comment.post_id).where(Comment.network == "vk")).all())
        cursors = session.exec(select(ModerationCursor.post_id)).all()
    assert "-555_50" not in posts
    assert sorted(cursors) == ["-555_101", "-555_102", "-556_1", "777_10", "mid.30"]


def test_an_edited_comment_is_classified_again(app: Srok, nets: Nets, city: City) -> None:
    run(app, nets)
    comments = nets.vk.comments["-555_101"]
    comments[0]["text"] = "Спасибо, но вы опять нахуй всё перекопали"
    comments[1]["text"] = "Да ладно вам, ямы засыплют"

    report = run(app, nets)

    with app.transaction() as session:
        first, second = (
            session.exec(
                select(Comment).where(Comment.post_id == "-555_101", Comment.comment_id == n)
            ).one()
            for n in ("1", "2")
        )
    assert report.total("edited") == 2 and report.total("new") == 0
    assert (first.state, categories(first), first.edited_at) == ("flagged", {"obscene"}, NOW)
    assert (second.state, categories(second)) == ("clean", set())


def test_a_comment_gone_from_the_network_is_marked_and_one_that_returns_is_unmarked(
    app: Srok, nets: Nets, city: City
) -> None:
    run(app, nets)
    removed = nets.vk.comments["-555_101"].pop(1)

    gone = run(app, nets)
    nets.vk.comments["-555_101"].insert(1, removed)
    back = run(app, nets)

    assert gone.total("deleted") == 1 and back.total("deleted") == 0
    row = stored(app)[OBSCENE]
    assert row.deleted_on_network_at is None and row.state == "flagged"


def test_a_comment_deleted_on_the_network_stays_in_the_queue_marked(
    app: Srok, nets: Nets, city: City
) -> None:
    run(app, nets)
    nets.vk.comments["-555_101"].pop(1)

    run(app, nets)

    with app.transaction() as session:
        item = next(i for i in queue(session=session) if i.text == OBSCENE)
    assert item.deleted_on_network


def test_a_crash_between_posts_keeps_what_was_stored_and_a_rerun_adds_each_comment_once(
    app: Srok, nets: Nets, city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    import services.moderation_sync as module

    real = module.store_post
    calls = 0

    def crashing(**kwargs: object) -> None:
        nonlocal calls
        calls += 1
        real(**kwargs)  # type: ignore[arg-type]
        if calls == 2:
            raise RuntimeError("the worker died mid-sync")

    monkeypatch.setattr(module, "store_post", crashing)
    with pytest.raises(RuntimeError):
        run(app, nets)
    kept = len(stored(app))
    monkeypatch.setattr(module, "store_post", real)

    run(app, nets)

    with app.engine.connect() as conn:
        keys = conn.execute(sa.text("SELECT account_id, post_id, comment_id FROM comment")).all()
    assert kept == 6  # the first post's comments; the second post's rolled back
    assert len(keys) == len(set(keys)) == 11


def test_a_new_comment_after_the_cursor_is_stored_and_the_cursor_moves(
    app: Srok, nets: Nets, city: City
) -> None:
    run(app, nets)
    nets.vk.add_comment(
        city.vk, 102, vk_comment(city.vk, 102, 9, "2026-12-01T09:00+07:00", OBSCENE)
    )

    report = run(app, nets)

    with app.transaction() as session:
        cursor = session.exec(
            select(ModerationCursor).where(ModerationCursor.post_id == "-555_102")
        ).one()
    assert (report.total("new"), report.total("flagged")) == (1, 1)
    assert (cursor.last_comment_id, cursor.comments) == ("9", 2)


def test_accounts_srok_cannot_read_say_why_and_a_refused_token_stops_the_network(
    app: Srok, nets: Nets, city: City
) -> None:
    nets.vk.faults.append("token")

    report = run(app, nets)

    lines = {line.account_id: line for line in report.accounts}
    telegram = lines[city.accounts["telegram"]]
    assert "нет комментариев" in (telegram.problem or "") and not telegram.network_down
    assert "не проверяется" in (lines[city.accounts["rutube"]].problem or "")
    for key in ("vk", "sport_vk"):
        assert "токен" in (lines[city.accounts[key]].problem or "")
    assert list(report.failed_networks) == ["vk"]
    assert len([p for p, _, _ in nets.vk.requests]) == 1  # the second community not asked
    assert lines[city.accounts["ok"]].new == 2


def test_one_organ_only(app: Srok, nets: Nets, city: City) -> None:
    report = run(app, nets, organ_id=city.other_organ_id)

    assert [line.account_id for line in report.accounts] == [city.accounts["sport_vk"]]


def test_the_sync_writes_nothing_to_the_audit_chain(app: Srok, nets: Nets, city: City) -> None:
    with app.engine.connect() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(AUDIT)).scalar()

    run(app, nets)

    with app.engine.connect() as conn:
        after = conn.execute(sa.select(sa.func.count()).select_from(AUDIT)).scalar()
    assert after == before


@pytest.mark.parametrize("text", ["0", "abc", "91", "-3"])
def test_a_window_setting_out_of_range_names_the_variable_and_the_clause(text: str) -> None:
    from domain.errors import RuleViolation

    with pytest.raises(RuleViolation) as caught:
        days_setting({"SROK_MODERATION_DAYS": text})

    assert caught.value.field == "SROK_MODERATION_DAYS" and caught.value.clause == "2.5"
    assert days_setting({}) == 14 and days_setting({"SROK_MODERATION_DAYS": "7"}) == 7


def test_a_comment_another_sync_stored_meanwhile_is_read_again_not_stored_twice(
    app: Srok, nets: Nets, city: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    import services.moderation_sync as module

    real = module._classified
    raced = False

    def racing(text: str, **kwargs: object) -> tuple[str, str]:
        nonlocal raced
        if not raced:  # after this post's rows were read, before they are written
            raced = True
            other = sa.orm.Session(app.engine)
            other.add(
                Comment(
                    account_id=city.accounts["vk"], network="vk", post_id="-555_101",
                    comment_id="1", published_at=NOW, text=text, text_masked=text,
                    text_hash="0" * 64, repeat_key="0" * 64, state="clean",
                )
            )  # fmt: skip
            other.commit()
            other.close()
        return real(text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "_classified", racing)

    report = run(app, nets)

    with app.engine.connect() as conn:
        keys = conn.execute(sa.text("SELECT account_id, post_id, comment_id FROM comment")).all()
    assert len(keys) == len(set(keys)) == 11
    assert report.total("new") == 10  # the eleventh was the other sync's
