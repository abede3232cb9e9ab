"""What every channel promises: send one message, and say afterwards whether it went.

A channel raises one of three errors, and the caller acts on the kind, never on
the channel: a transient fault is retried later, a permanent one stops delivery
(the reminder stays queued, or fails if only this message is at fault), and an
unknown outcome is never blindly resent: the caller asks ``was_sent`` first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from domain.dates import CITY_TIMEZONE
from notifications.headers import EncodedHeader


class DeliveryError(Exception):
    """A message was not delivered; the text never holds personal data."""


class TransientDeliveryError(DeliveryError):
    """Busy, unavailable, connection lost before sending: try again later."""


class PermanentDeliveryError(DeliveryError):
    """Bad credentials, missing mailbox, refused sender: no retry helps.

    ``channel_wide`` means every message would fail the same way (stop delivery,
    keep the reminders queued); otherwise only this message is at fault.
    """

    def __init__(self, message: str, *, channel_wide: bool = True) -> None:
        super().__init__(message)
        self.channel_wide = channel_wide


class UnknownOutcome(DeliveryError):
    """The channel may have sent the message: the reply was lost or timed out."""


@dataclass(frozen=True)
class OutgoingMessage:
    """A reminder ready to send, with its idempotency key."""

    key: str
    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    text: str
    html: str
    reply_to: str | None = None  # the IT department, whom the reader is asked to notify

    @property
    def message_id(self) -> str:
        """A Message-ID fixed by the key, so a resend is recognisably the same message."""
        digest = hashlib.sha256(self.key.encode()).hexdigest()[:32]
        domain = self.sender.rpartition("@")[2] or "srok.invalid"
        return f"<srok.{digest}@{domain}>"

    def to_email(self, *, now: datetime | None = None) -> EmailMessage:
        """Build the RFC 5322 message: plain text and HTML alternatives, UTF-8.

        ``Date:`` carries the city's real offset (+0700), not ``-0000`` (zone unknown).
        """
        mail = EmailMessage(policy=policy.default)
        mail["From"] = self.sender
        mail["To"] = ", ".join(self.to)
        if self.cc:
            mail["Cc"] = ", ".join(self.cc)
        if self.reply_to:
            mail["Reply-To"] = self.reply_to
        mail["Subject"] = EncodedHeader("Subject", self.subject)
        mail["Message-ID"] = self.message_id
        mail["Date"] = format_datetime(
            (now or datetime.now(UTC)).astimezone(ZoneInfo(CITY_TIMEZONE))
        )
        mail["X-Srok-Reminder-Key"] = self.key
        mail["Auto-Submitted"] = "auto-generated"
        mail.set_content(self.text)
        mail.add_alternative(self.html, subtype="html")
        return mail


class Notifier(Protocol):
    """A delivery channel: outbox folder, SMTP or Exchange."""

    channel: str
    settle_seconds: int  # after an unknown outcome, wait this long before asking was_sent

    def send(self, message: OutgoingMessage) -> int | None:
        """Deliver one message or raise a DeliveryError subclass.

        Return how many recipients the server refused while taking the others
        (SMTP can say so); 0 or None when every recipient was taken.
        """

    def was_sent(self, key: str) -> bool | None:
        """After an unknown outcome: True if it went, False if not, None if the channel cannot tell."""

    def close(self) -> None:
        """Release connections."""
