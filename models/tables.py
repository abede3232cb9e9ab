"""The database tables (SQLModel); the schema itself is made by Alembic migrations.

Rules the database itself holds, so that no code path can break them:
- п. 1.5: one active account per network per organ (a partial unique index);
- one active account per address, in its canonical form; one organ per name,
  compared case-folded and NFKC-normalised;
- п. 1.6: at most three people with access at a time (an access grant takes one
  of three numbered slots; a slot is unique among active grants);
- one open cycle step per clause per cycle, one publication per quarter.
Personal data of specialists (п. 3.3 абзац 5) lives in ``specialist`` only;
everything else refers to a specialist by id.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Store an instant in UTC and give it back timezone-aware, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: srok stores instants in UTC only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _instant() -> Any:
    """A UTC instant column, set to now when the row is made."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Organ(SQLModel, table=True):
    """An organ of the Administration (орган), or the Administration itself."""

    __table_args__ = (sa.Index("uq_organ_name_key", "name_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=sa.Column(sa.String(500), nullable=False, unique=True))
    # The name as compared (NFKC, case-folded, single spaces): unique, so that
    # «Комитет по культуре» and «КОМИТЕТ ПО\u00a0КУЛЬТУРЕ» cannot both be registered.
    name_key: str = Field(sa_column=sa.Column(sa.String(500), nullable=False, server_default=""))
    postal_address: str | None = None
    email: str | None = None
    phone: str | None = None
    head_email: str | None = None  # the head's mailbox, copied on escalations
    site_page: str | None = None  # the organ's page on the city site (п. 1.4)
    created_at: datetime = _instant()


class Specialist(SQLModel, table=True):
    """A responsible specialist (ответственный специалист): personal data, п. 3.3 абзац 5."""

    id: int | None = Field(default=None, primary_key=True)
    organ_id: int = Field(foreign_key="organ.id", index=True)
    full_name: str
    position: str
    phone: str
    email: str
    created_at: datetime = _instant()


class Account(SQLModel, table=True):
    """An account of an organ in a social network (аккаунт)."""

    __table_args__ = (
        sa.Index(
            "uq_account_one_per_network",
            "organ_id",
            "network_key",
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        ),
        # One address, one account: the canonical form (domain.networks) is unique.
        sa.Index(
            "uq_account_url",
            "url",
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organ_id: int = Field(foreign_key="organ.id", index=True)
    network: str  # vk, ok, telegram, max, rutube, dzen, other
    network_key: str  # the network, or for "other" the site's host: what п. 1.5 compares
    url: str  # the current address
    created_on: date
    active: bool = True
    created_at: datetime = _instant()


class AccountAddress(SQLModel, table=True):
    """One address an account had, and from when to when (п. 3.3 абзац 4)."""

    __tablename__ = "account_address"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    url: str
    valid_from: date
    valid_until: date | None = None  # None: the current address


class AccountSpecialist(SQLModel, table=True):
    """A specialist responsible for an account over a span of time."""

    __tablename__ = "account_specialist"
    __table_args__ = (
        sa.Index(
            "uq_account_specialist_current",
            "account_id",
            "specialist_id",
            unique=True,
            sqlite_where=sa.text("until IS NULL"),
            postgresql_where=sa.text("until IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    specialist_id: int = Field(foreign_key="specialist.id", index=True)
    since: date
    until: date | None = None


class AccessGrant(SQLModel, table=True):
    """A person's right to run an account (п. 1.6), held in one of three slots."""

    __tablename__ = "access_grant"
    __table_args__ = (
        sa.CheckConstraint("slot BETWEEN 1 AND 3", name="ck_access_grant_at_most_three"),
        sa.Index(
            "uq_access_grant_slot",
            "account_id",
            "slot",
            unique=True,
            sqlite_where=sa.text("revoked_on IS NULL"),
            postgresql_where=sa.text("revoked_on IS NULL"),
        ),
        sa.Index(
            "uq_access_grant_person",
            "account_id",
            "person",
            unique=True,
            sqlite_where=sa.text("revoked_on IS NULL"),
            postgresql_where=sa.text("revoked_on IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    person: str
    slot: int
    granted_on: date
    revoked_on: date | None = None


class Cycle(SQLModel, table=True):
    """What one event set going: the creation of an account, or a change of its details."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: str  # creation, change
    occurred_on: date
    summary: str  # what changed, in Russian, without personal data
    created_at: datetime = _instant()


class Step(SQLModel, table=True):
    """One obligation of one cycle, with the due date it is judged by."""

    __table_args__ = (
        sa.UniqueConstraint("cycle_id", "clause", name="uq_step_cycle_clause"),
        # The IT department's queue: received notices not yet entered, most urgent first.
        sa.Index(
            "ix_step_registry_queue",
            "due",
            "account_id",
            "id",
            sqlite_where=sa.text("clause = '3.4' AND done_on IS NULL AND due IS NOT NULL"),
            postgresql_where=sa.text("clause = '3.4' AND done_on IS NULL AND due IS NOT NULL"),
        ),
        # The sweep: open steps by due date, read from the index alone (services/reminders.py).
        sa.Index(
            "ix_step_open_due",
            "due",
            "account_id",
            "clause",
            sqlite_where=sa.text("done_on IS NULL AND due IS NOT NULL"),
            postgresql_where=sa.text("done_on IS NULL AND due IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # None for a step that no account's cycle opened: a required account not yet
    # created (п. 1.2) belongs to its organ only.
    cycle_id: int | None = Field(default=None, foreign_key="cycle.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    organ_id: int | None = Field(default=None, foreign_key="organ.id", index=True)
    clause: str
    counted_from: date | None = None  # the event the term runs from
    due: date | None = Field(default=None, index=True)
    provisional: bool = False
    explanation: str | None = None
    calendar_version: str | None = None
    done_on: date | None = None
    evidence: str | None = None
    created_at: datetime = _instant()
    updated_at: datetime = _instant()


class Event(SQLModel, table=True):
    """A recorded fact (created, changed, notice sent, ...), as entered and by whom."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    kind: str
    occurred_on: date
    details: str  # JSON, without personal data
    actor: str
    recorded_at: datetime = _instant()


class Publication(SQLModel, table=True):
    """A publication of the public registry on the city site (п. 3.5)."""

    id: int | None = Field(default=None, primary_key=True)
    quarter: str = Field(sa_column=sa.Column(sa.String(6), nullable=False, unique=True))
    published_on: date
    recorded_at: datetime = _instant()
    audit_head_id: int | None = None  # the audit chain's head when it was recorded: printed
    audit_head_hash: str | None = None  # in the publication, an anchor outside the database


class Reminder(SQLModel, table=True):
    """One reminder of one step on one day: claimed in the database before it is sent.

    ``key`` (step, kind, day) is unique, so a second sweep on the same day queues
    nothing new; ``state`` moves queued -> sending -> sent, or to failed after the
    last attempt, or to unknown when the channel may have sent it and could not
    say. Recipients are kept as specialist ids and institutional mailboxes: the
    specialists' addresses are looked up at delivery and never stored here.
    """

    __table_args__ = (
        sa.CheckConstraint(
            "state IN ('queued', 'sending', 'sent', 'failed', 'unknown')",
            name="ck_reminder_state",
        ),
        sa.Index("ix_reminder_on_date_step", "on_date", "step_id"),  # the sweep's day lookups
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=sa.Column(sa.String(80), nullable=False, unique=True))
    step_id: int = Field(foreign_key="step.id", index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    kind: str
    on_date: date
    due: date
    working_days_left: int = 0  # as of on_date, for the message
    working_days_late: int = 0
    state: str = Field(default="queued", index=True)
    specialist_ids: str = "[]"  # JSON list of ids
    mailboxes: str = "[]"  # JSON list: organ or IT mailboxes (no personal data)
    cc_mailboxes: str = "[]"
    attempts: int = 0
    channel: str | None = None
    claimed_by: str | None = None
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = None
    queued_at: datetime = _instant()
    # Recipients an SMTP server refused while taking the rest: a count, never the addresses.
    refused_recipients: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class LinkCheck(SQLModel, table=True):
    """One look at an organ's page on the city site for a link to one account (п. 1.4)."""

    __tablename__ = "link_check"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    step_id: int | None = Field(default=None, foreign_key="step.id", index=True)
    page: str
    checked_at: datetime = _instant()
    http_status: int | None = None
    found: bool = False
    link: str | None = None  # the href that matched
    detail: str  # why not found, or where it was found, in Russian


class AuditEntry(SQLModel, table=True):
    """One change, appended to a hash chain; the database refuses UPDATE and DELETE.

    ``hash`` is SHA-256 of ``prev_hash`` and the canonical form of the fields
    (domain.audit); a trigger (models/triggers.py) accepts an entry only if its
    ``prev_hash`` is the hash of the entry numbered one less, so the chain can
    neither fork nor skip a number. Specialists appear by id only.
    """

    __tablename__ = "audit_entry"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    recorded_at: str  # ISO 8601 in UTC, exactly as hashed
    actor: str
    action: str
    clause: str | None = None
    entity: str
    account_id: int | None = Field(default=None, index=True)
    organ_id: int | None = Field(default=None, index=True)
    before: str | None = None  # JSON
    after: str | None = None  # JSON
    calendar_version: str | None = None
    prev_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))


class WebUser(SQLModel, table=True):
    """A person who signs in to the web app: a specialist of an organ, the IT department,
    the deputy head (read only) or an administrator.

    ``password_hash`` is an Argon2id hash for local users and None for users the
    directory (Active Directory) vouches for; a specialist is tied to their organ
    and to their ``specialist`` row, which holds their personal data.
    """

    __tablename__ = "web_user"
    __table_args__ = (
        sa.CheckConstraint(
            "role IN ('specialist', 'it', 'head', 'admin')", name="ck_web_user_role"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(sa_column=sa.Column(sa.String(200), nullable=False, unique=True))
    role: str
    organ_id: int | None = Field(default=None, foreign_key="organ.id")
    specialist_id: int | None = Field(default=None, foreign_key="specialist.id")
    password_hash: str | None = None
    source: str = "local"  # local, ldap
    active: bool = True
    created_at: datetime = _instant()


class ApiToken(SQLModel, table=True):
    """A token a script authenticates with; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="web_user.id")
    token_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    created_at: datetime = _instant()
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginAttempt(SQLModel, table=True):
    """One try to sign in, kept to limit guessing per login and per address."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        sa.Index("ix_login_attempt_login_at", "login", "at"),
        sa.Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    login: str
    address: str
    at: datetime = _instant()
    ok: bool = False


class ActionLinkUse(SQLModel, table=True):
    """A one-click link from a reminder that has been used: it works once."""

    __tablename__ = "action_link_use"

    nonce: str = Field(primary_key=True)
    step_id: int = Field(foreign_key="step.id")
    action: str
    used_at: datetime = _instant()


class WebSubmission(SQLModel, table=True):
    """A form submitted once: the same form sent again (a double click) records nothing."""

    __tablename__ = "web_submission"

    nonce: str = Field(primary_key=True)
    actor: str
    result: str  # where the first submission led (a path)
    at: datetime = _instant()


class RuleCheck(SQLModel, table=True):
    """One check of a standing rule (п. 2.1, 2.4) on one account for one week: the evidence.

    What was asked (the rule, the week), when, whether the network answered
    (``checked``, else ``reason``), the verdict, the rule's figures as JSON (counts,
    fields compared; never a specialist's contact) and the SHA-256 of the
    network's answers, so a finding can be shown later. One row per account,
    rule and week: a second run that week keeps the first complete check.
    """

    __tablename__ = "rule_check"
    __table_args__ = (
        sa.UniqueConstraint("account_id", "rule", "week", name="uq_rule_check_account_rule_week"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    rule: str = Field(sa_column=sa.Column(sa.String(8), nullable=False))
    week: str = Field(sa_column=sa.Column(sa.String(8), nullable=False))  # ISO, 2026-W48
    checked_at: datetime = _instant()
    checked: bool
    ok: bool | None = None  # None: not checked
    reason: str | None = None
    figures: str = "{}"  # JSON
    answers_sha256: str | None = Field(default=None, sa_column=sa.Column(sa.String(64)))
    requests: int = 0


class UnnotifiedAccount(SQLModel, table=True):
    """П. 3.1: an account an organ's page on the city site links to, that srok was never told of.

    A finding for the IT department, one row per canonical address for ever:
    open from the day first seen until the account is registered in srok
    (``outcome`` "registered") or someone marks it as not the organ's
    ("dismissed", with the reason). A dismissed address is not reopened.
    """

    __tablename__ = "unnotified_account"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=sa.Column(sa.String(), nullable=False, unique=True))
    network: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    organ_id: int = Field(foreign_key="organ.id", index=True)
    page: str  # the organ's page where the link was seen
    href: str  # the link as the page gives it
    first_seen_on: date
    last_seen_on: date
    closed_on: date | None = None
    outcome: str | None = Field(default=None, sa_column=sa.Column(sa.String(16)))
    reason: str | None = None
    account_id: int | None = Field(default=None, foreign_key="account.id")


class RequiredAccount(SQLModel, table=True):
    """An account a resolution of the Administration requires an organ to create (п. 1.2).

    Its step (clause 1.2, due on the resolution's date) is closed when an account
    of that organ and network is created.
    """

    __tablename__ = "required_account"
    __table_args__ = (
        sa.UniqueConstraint(
            "organ_id", "network", "resolution_number", name="uq_required_account_resolution"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organ_id: int = Field(foreign_key="organ.id", index=True)
    network: str
    resolution_number: str
    resolution_date: date
    due: date
    step_id: int = Field(foreign_key="step.id")
    account_id: int | None = Field(default=None, foreign_key="account.id")  # once created
    recorded_at: datetime = _instant()


class StandingStep(SQLModel, table=True):
    """The step a standing duty opened for one account and one period: unique, so never twice.

    ``period`` is the quarter for п. 1.6 (``2026Q4``) and, for a finding of п. 2.1
    or 2.4, the week or the finding's fingerprint.
    """

    __tablename__ = "standing_step"
    __table_args__ = (
        sa.UniqueConstraint("account_id", "clause", "period", name="uq_standing_step_period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    clause: str = Field(sa_column=sa.Column(sa.String(8), nullable=False))
    period: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    step_id: int = Field(foreign_key="step.id")


class ProtectionConfirmation(SQLModel, table=True):
    """A specialist's confirmation of an account's protection for a quarter (п. 1.6).

    What is kept is what was confirmed: 2FA on, how many people have access,
    where the credentials are kept (a place, never the credentials themselves).
    """

    __tablename__ = "protection_confirmation"
    __table_args__ = (
        sa.UniqueConstraint("account_id", "quarter", name="uq_protection_confirmation_quarter"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    quarter: str = Field(sa_column=sa.Column(sa.String(6), nullable=False))
    confirmed_on: date
    two_factor: bool
    people_with_access: int
    credentials_kept: str
    actor: str
    recorded_at: datetime = _instant()


class Comment(SQLModel, table=True):
    """A user's comment under a publication of an account, as srok last saw it (п. 2.5).

    Stored once per (account, post, comment id): a second sync updates the row.
    ``text`` is the comment as written, for the account's moderators only;
    ``text_masked`` (personal data masked) is what everyone else, reports and
    logs see; ``flags`` holds masked fragments only. ``author_ref`` is the
    network's id of the author (personal data): kept so that "пользователь
    ограничен" can be done, never logged nor shown.

    ``state``: ``clean`` (no flag), ``flagged`` (in the queue), or a moderator's
    decision: ``removed``, ``kept``, ``user_restricted``.
    """

    __table_args__ = (
        sa.UniqueConstraint("account_id", "post_id", "comment_id", name="uq_comment_natural"),
        sa.CheckConstraint(
            "state IN ('clean', 'flagged', 'removed', 'kept', 'user_restricted')",
            name="ck_comment_state",
        ),
        # The queue: flagged comments oldest first, per account.
        sa.Index("ix_comment_state_published", "state", "published_at"),
        sa.Index("ix_comment_repeat_key", "repeat_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    network: str = Field(sa_column=sa.Column(sa.String(16), nullable=False))
    post_id: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    comment_id: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    post_url: str | None = None
    published_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    seen_at: datetime = _instant()  # first read by srok
    text: str  # as written: the account's moderators only
    text_masked: str  # personal data masked: for everyone else
    text_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))  # SHA-256 of text
    # SHA-256 of the text's letters and digits, lower case: identical comments across posts.
    repeat_key: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    author_ref: str | None = None  # personal data: never logged, never shown
    edited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # seen changed
    deleted_on_network_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    flags: str = "[]"  # JSON [{"category", "fragment" (masked), "rule"}]; by hand: rule "manual"
    state: str = Field(default="clean", sa_column=sa.Column(sa.String(16), nullable=False))
    flagged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # entered the queue
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: str | None = None
    decision_reason: str | None = None  # why kept, or any note
    network_rule: str | None = None  # the network's rule a restriction was made under
    reminded_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime
    )  # for issue 14's reminder


class ModerationCursor(SQLModel, table=True):
    """Where the last sync of one post's comments stopped: the newest comment seen.

    One row per (account, post). ``last_comment_id`` is the network's cursor
    (``after``); ``synced_at`` the end of the last complete read of the post.
    """

    __tablename__ = "moderation_cursor"
    __table_args__ = (
        sa.UniqueConstraint("account_id", "post_id", name="uq_moderation_cursor_post"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    post_id: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    post_url: str | None = None
    post_published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_comment_id: str | None = None
    last_published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    comments: int = 0  # how many the network gave at the last read
    synced_at: datetime = _instant()
