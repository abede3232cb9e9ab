"""`srok moderation sync`: read the accounts' comments from the networks, store each once, flag.

For each active account whose network srok can read, the publications of the
last ``days`` days (SROK_MODERATION_DAYS, 14 by default) and, under each, every
comment the network gives. Reading all of a recent post's comments rather than
only those after the cursor is what lets srok notice an edit (the text's hash
changed: the comment is classified again) and a deletion (a stored comment the
network no longer gives). The cursor keeps where each post's comments ended
and when they were read. A post older than the window is no longer read: its
comments stay as last seen.

A comment is stored once per (account, post, comment id). Each post is one
transaction (its comments and its cursor together), so a crash loses at most
the post being read and a re-run stores nothing twice. A text posted three
times or more by one author, on any posts of any accounts, is spam
(``copies``), and its earlier copies join the queue too; a long one (a
template of ``spam.CAMPAIGN_WORDS`` words or more) whoever posted it.

Nothing of a comment's text is logged or returned here: the report has counts.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.errors import RuleViolation
from domain.moderation import CLEAN, FLAGGED, MANUAL, MODERATION, state_after_classifying
from domain.posting import Publication
from models.tables import Account, Comment, ModerationCursor
from moderation import spam
from moderation.classifier import classify
from networks.base import Comment as NetworkComment
from networks.base import NetworkClient, NotChecked
from services.app import Srok
from services.network_clients import NetworkClients
from services.settings import CITY_ZONE

DEFAULT_DAYS = 14
MAX_DAYS = 90


@dataclass
class AccountSync:
    """What one account's sync did: counts only, never a comment's words."""

    account_id: int
    organ_id: int
    network: str
    url: str
    posts: int = 0
    read: int = 0  # comments the network gave
    new: int = 0
    edited: int = 0
    deleted: int = 0  # gone from the network since the last read
    flagged: int = 0  # entered the queue in this run
    problem: str | None = None  # why not read (or not to the end)
    network_down: bool = False


@dataclass
class SyncReport:
    now: datetime
    days: int
    accounts: list[AccountSync] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(int(getattr(a, name)) for a in self.accounts)

    @property
    def failed_networks(self) -> dict[str, str]:
        """Networks every asked account of which failed as a network (not "cannot be read")."""
        asked: dict[str, list[AccountSync]] = {}
        for line in self.accounts:
            if line.problem is None or line.network_down:
                asked.setdefault(line.network, []).append(line)
        return {
            n: lines[-1].problem or ""
            for n, lines in asked.items()
            if all(line.network_down for line in lines)
        }

    def table(self, organ_names: Mapping[int, str]) -> list[dict[str, Any]]:
        """One row per organ, in Russian, counts only: what the flow's artifact shows."""
        rows: dict[int, dict[str, Any]] = {}
        for line in self.accounts:
            row = rows.setdefault(
                line.organ_id,
                {
                    "орган": organ_names.get(line.organ_id, "?"),
                    "аккаунтов прочитано": 0,
                    "новых комментариев": 0,
                    "в очередь (п. 2.5)": 0,
                    "изменённых": 0,
                    "удалённых в сети": 0,
                    "не прочитано и почему": [],
                },
            )
            if line.problem:
                row["не прочитано и почему"].append(f"{line.url}: {line.problem}")
            else:
                row["аккаунтов прочитано"] += 1
            row["новых комментариев"] += line.new
            row["в очередь (п. 2.5)"] += line.flagged
            row["изменённых"] += line.edited
            row["удалённых в сети"] += line.deleted
        for row in rows.values():
            row["не прочитано и почему"] = "; ".join(row["не прочитано и почему"])
        return [rows[k] for k in sorted(rows)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "now": self.now.isoformat(),
            "days": self.days,
            "accounts": [asdict(a) for a in self.accounts],
            "totals": {
                k: self.total(k) for k in ("posts", "read", "new", "edited", "deleted", "flagged")
            },
            "failed_networks": self.failed_networks,
        }


def days_setting(env: Mapping[str, str] | None = None) -> int:
    """SROK_MODERATION_DAYS: how many days back publications are read for comments."""
    text = (os.environ if env is None else env).get("SROK_MODERATION_DAYS") or ""
    if not text:
        return DEFAULT_DAYS
    if not text.isdigit() or not 1 <= int(text) <= MAX_DAYS:
        raise RuleViolation(
            "SROK_MODERATION_DAYS", f"«{text}» — целое число дней от 1 до {MAX_DAYS}", MODERATION
        )
    return int(text)


def sync_instant(app: Srok) -> datetime:
    """Now; or, when SROK_TODAY fixes the day (a rehearsal, the demo), 18:00 of it in the city."""
    fixed = app.settings.today_override
    if fixed is None:
        return datetime.now(CITY_ZONE)
    return datetime.combine(fixed, time(18, 0), tzinfo=CITY_ZONE)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def repeat_hash(text: str) -> str:
    """What identical comments share (spam.repeat_key), hashed to fit an index."""
    return hashlib.sha256(spam.repeat_key(text).encode("utf-8")).hexdigest()


def post_url(network: str, account_url: str, post_id: str) -> str:
    """Where a person opens the publication: VK's wall link, OK's topic, else the account."""
    if network == "vk":
        return f"https://vk.com/wall{post_id}"
    if network == "ok":
        return f"{account_url.rstrip('/')}/topic/{post_id.split('_')[-1]}"
    return account_url


def storable(text: str) -> str:
    """The text as a database can hold it: a NUL byte (PostgreSQL refuses it) and a lone
    surrogate (a JSON ``\\ud800``, not encodable to UTF-8) become U+FFFD."""
    if text.isascii() and "\x00" not in text:
        return text
    return "".join("\ufffd" if c == "\x00" or "\ud800" <= c <= "\udfff" else c for c in text)


def as_given(comments: list[NetworkComment]) -> list[NetworkComment]:
    """Each comment once, its text storable: a network may list an id twice in one answer
    (a page boundary moved while paging); the last copy is the newest word."""
    once: dict[str, NetworkComment] = {}
    for c in comments:
        once.pop(c.id, None)
        once[c.id] = replace(c, text=storable(c.text), author=storable(c.author or ""))
    return list(once.values())


def _classified(text: str, *, copies: int, keep: list[dict[str, Any]]) -> tuple[str, str]:
    """(masked text, flags JSON): the rules' flags after the ones filed by hand in ``keep``."""
    verdict = classify(text, copies=copies)
    flags = [f for f in keep if f.get("rule") == MANUAL]
    for flag in verdict.flags:
        item: dict[str, Any] = flag.as_dict()
        if flag.rule == "spam.repeated":
            item["copies"] = copies
        flags.append(item)
    return verdict.text, json.dumps(flags, ensure_ascii=False)


def _set_flags(row: Comment, masked: str, flags: str, *, now: datetime) -> bool:
    """Store new flags and the state they lead to; True when the comment entered the queue."""
    row.text_masked, row.flags = masked, flags
    before = row.state
    row.state = state_after_classifying(before, flagged=flags != "[]")
    if row.state == FLAGGED and before != FLAGGED:
        row.flagged_at = now
        row.decided_at = row.decided_by = row.decision_reason = row.network_rule = None
        row.reminded_at = None  # a new wait, told anew (services.moderation_reminders)
        return True
    return False


def store_post(
    *,
    session: Session,
    account: Account,
    post: Publication,
    comments: list[NetworkComment],
    now: datetime,
    line: AccountSync,
) -> None:
    """Store one post's comments as the network gave them all, and its cursor."""
    account_id = account.id or 0
    stored = {
        row.comment_id: row
        for row in session.exec(
            select(Comment).where(Comment.account_id == account_id, Comment.post_id == post.id)
        )
    }
    touched: set[str] = set()
    link = post_url(account.network, account.url, post.id)
    for seen in comments:
        row = stored.pop(seen.id, None)
        digest = text_hash(seen.text)
        if row is None:
            masked, flags = _classified(seen.text, copies=1, keep=[])
            row = Comment(
                account_id=account_id,
                network=account.network,
                post_id=post.id,
                comment_id=seen.id,
                post_url=link,
                published_at=seen.published_at,
                seen_at=now,
                text=seen.text,
                text_masked=masked,
                text_hash=digest,
                repeat_key=repeat_hash(seen.text),
                author_ref=seen.author or None,
                state=CLEAN,
            )
            line.flagged += _set_flags(row, masked, flags, now=now)
            line.new += 1
        else:
            row.deleted_on_network_at = None  # back, if it had gone
            if row.text_hash != digest:
                touched.add(row.repeat_key)
                masked, flags = _classified(seen.text, copies=1, keep=json.loads(row.flags))
                row.text, row.text_hash, row.edited_at = seen.text, digest, now
                row.repeat_key = repeat_hash(seen.text)
                line.flagged += _set_flags(row, masked, flags, now=now)
                line.edited += 1
            else:
                continue  # as stored: its copies were counted when it came
        touched.add(row.repeat_key)  # a new or changed text may complete a set of copies
        session.add(row)
    for gone in stored.values():
        if gone.deleted_on_network_at is None:
            gone.deleted_on_network_at = now
            session.add(gone)
            line.deleted += 1
    session.flush()
    for key in touched:
        line.flagged += _count_repeats(session, key, now=now)
    _save_cursor(session, account_id=account_id, post=post, link=link, comments=comments, now=now)


def _count_repeats(session: Session, key: str, *, now: datetime) -> int:
    """Classify again every undecided copy of a text seen ``spam.REPEAT_THRESHOLD`` times.

    Copies are counted per author (network and its user id): one person or bot posting
    the same words under post after post is spam, several residents writing the same
    ordinary sentence («Спасибо за информацию!») is not. A text of
    ``spam.CAMPAIGN_WORDS`` words or more, word for word from several authors, is a
    campaign and counts whoever posted it; so does every copy whose author the network
    does not give.
    """
    rows = session.exec(select(Comment).where(Comment.repeat_key == key)).all()
    if len(rows) < spam.REPEAT_THRESHOLD:
        return 0
    campaign = spam.is_campaign(rows[0].text)
    per_author: dict[tuple[str, str | None], int] = {}
    for row in rows:
        who = (row.network, row.author_ref)
        per_author[who] = per_author.get(who, 0) + 1
    entered = 0
    for row in rows:
        if row.state not in (CLEAN, FLAGGED):
            continue
        copies = len(rows) if campaign else per_author[(row.network, row.author_ref)]
        if copies < spam.REPEAT_THRESHOLD:
            continue
        masked, flags = _classified(row.text, copies=copies, keep=json.loads(row.flags))
        if flags != row.flags:
            entered += _set_flags(row, masked, flags, now=now)
            session.add(row)
    return entered


def _save_cursor(
    session: Session,
    *,
    account_id: int,
    post: Publication,
    link: str,
    comments: list[NetworkComment],
    now: datetime,
) -> None:
    cursor = session.exec(
        select(ModerationCursor).where(
            ModerationCursor.account_id == account_id, ModerationCursor.post_id == post.id
        )
    ).first() or ModerationCursor(account_id=account_id, post_id=post.id)
    cursor.post_url = link
    cursor.post_published_at = post.published_at
    if comments:
        newest = max(comments, key=lambda c: (c.published_at, c.id))
        cursor.last_comment_id, cursor.last_published_at = newest.id, newest.published_at
    cursor.comments = len(comments)
    cursor.synced_at = now
    session.add(cursor)


def _posts_gone(
    session: Session,
    *,
    account_id: int,
    posts: list[Publication],
    since: datetime,
    now: datetime,
    line: AccountSync,
) -> None:
    """Mark deleted the comments of a post read before that the network no longer lists.

    Only a post inside the window counts (an hour's margin at its edge): one older than the
    window is not listed either, and its comments stay as last seen.
    """
    listed = {p.id for p in posts if not p.deleted}
    gone = session.exec(
        select(ModerationCursor.post_id).where(
            ModerationCursor.account_id == account_id,
            col(ModerationCursor.post_published_at) >= since + timedelta(hours=1),
        )
    ).all()
    missing = [post_id for post_id in gone if post_id not in listed]
    if not missing:
        return
    for row in session.exec(
        select(Comment).where(
            Comment.account_id == account_id,
            col(Comment.post_id).in_(missing),
            col(Comment.deleted_on_network_at).is_(None),
        )
    ):
        row.deleted_on_network_at = now
        session.add(row)
        line.deleted += 1


def _sync_account(
    app: Srok, client: NetworkClient, account: Account, *, now: datetime, days: int
) -> AccountSync:
    line = AccountSync(account.id or 0, account.organ_id, account.network, account.url)
    try:
        posts = client.publications(account.url, since=now - timedelta(days=days), until=now)
    except NotChecked as error:
        line.problem, line.network_down = error.reason, error.network_down
        if error.stop:
            raise
        return line
    since = now - timedelta(days=days)
    with app.transaction() as session:
        _posts_gone(
            session, account_id=account.id or 0, posts=posts, since=since, now=now, line=line
        )
    for post in sorted(posts, key=lambda p: p.published_at):
        if post.deleted or post.postponed:
            continue
        try:
            comments = as_given(client.comments(account.url, post_id=post.id, after=None))
        except NotChecked as error:
            line.problem, line.network_down = error.reason, error.network_down
            if error.stop:
                raise
            return line
        line.posts += 1
        line.read += len(comments)
        for attempt in (1, 2):
            mark = asdict(line)
            try:
                with app.transaction() as session:
                    store_post(
                        session=session,
                        account=account,
                        post=post,
                        comments=comments,
                        now=now,
                        line=line,
                    )
                break
            except sa.exc.IntegrityError:
                # Another sync stored the same comment first: read what it stored, once.
                for name, value in mark.items():
                    setattr(line, name, value)
                if attempt == 2:
                    raise
    return line


def sync(
    *,
    app: Srok,
    clients: NetworkClients,
    now: datetime,
    days: int = DEFAULT_DAYS,
    organ_id: int | None = None,
) -> SyncReport:
    """Read and store the comments of every active account (or one organ's)."""
    with app.transaction() as session:
        query = select(Account).where(col(Account.active)).order_by(col(Account.id))
        if organ_id is not None:
            from services.moderation import organ_of_queue

            organ_of_queue(session, organ_id)
            query = query.where(Account.organ_id == organ_id)
        accounts = list(session.exec(query).all())
    report = SyncReport(now=now, days=days)
    stopped: dict[str, str] = {}
    for account in accounts:
        client = clients.get(account.network)
        if client is None or account.network in stopped:
            line = AccountSync(account.id or 0, account.organ_id, account.network, account.url)
            line.problem = stopped.get(account.network) or clients.reason(account.network)
            line.network_down = account.network in stopped
            report.accounts.append(line)
            continue
        try:
            report.accounts.append(_sync_account(app, client, account, now=now, days=days))
        except NotChecked as error:
            stopped[account.network] = error.reason
            line = AccountSync(account.id or 0, account.organ_id, account.network, account.url)
            line.problem, line.network_down = error.reason, True
            report.accounts.append(line)
    return report


def organ_names(app: Srok) -> dict[int, str]:
    from models.tables import Organ

    with app.transaction() as session:
        return {o.id or 0: o.name for o in session.exec(select(Organ)).all()}
