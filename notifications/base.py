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
from typing import Protocol

from notifications.mime import wire_address, write


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

    def check(self) -> None:
        """Raise ValueError if a header cannot be written (a line break, a list, an address
        srok cannot send to): such a letter fails alone, before it reaches a channel."""
        for address in (
            self.sender,
            *self.to,
            *self.cc,
            *([self.reply_to] if self.reply_to else []),
        ):
            wire_address(address)
        if "\r" in self.subject or "\n" in self.subject:
            raise ValueError("Subject: a header value cannot hold a line break")
        if not self.key.isascii() or not self.key.isprintable():
            raise ValueError("X-Srok-Reminder-Key: printable ASCII is expected")

    def to_bytes(self, *, now: datetime | None = None) -> bytes:
        """Write the RFC 5322 letter: plain text and HTML alternatives, UTF-8, CRLF lines.

        ``Date:`` carries the city's real offset (+0700), not ``-0000`` (zone unknown).
        """
        return write(
            key=self.key,
            message_id=self.message_id,
            sender=self.sender,
            to=self.to,
            cc=self.cc,
            reply_to=self.reply_to,
            subject=self.subject,
            text=self.text,
            html=self.html,
            now=now or datetime.now(UTC),
        )

    def recipients(self) -> list[str]:
        """The SMTP envelope's recipients, written as in the headers."""
        return [wire_address(a) for a in (*self.to, *self.cc)]


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
