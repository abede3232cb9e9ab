"""Small fake channels for fault injection (no mock.patch)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from notifications.base import (
    OutgoingMessage,
    PermanentDeliveryError,
    TransientDeliveryError,
    UnknownOutcome,
)


class RecordingNotifier:
    """Accepts everything and remembers it; can be told to fail in given ways."""

    channel = "fake"
    settle_seconds = 0

    def __init__(
        self,
        *,
        transient: int = 0,
        permanent_for: set[str] | None = None,
        channel_down: bool = False,
        unknown_for: set[str] | None = None,
    ) -> None:
        self.sent: list[OutgoingMessage] = []
        self.transient = transient
        self.permanent_for = permanent_for or set()
        self.channel_down = channel_down
        self.unknown_for = unknown_for or set()
        self.calls = 0

    def send(self, message: OutgoingMessage) -> None:
        self.calls += 1
        if self.channel_down:
            raise PermanentDeliveryError("учётные данные отклонены")
        if self.transient > 0:
            self.transient -= 1
            raise TransientDeliveryError("сервер занят")
        if message.key in self.permanent_for:
            raise PermanentDeliveryError("адресат не существует", channel_wide=False)
        if message.key in self.unknown_for:
            self.unknown_for.discard(message.key)
            self.sent.append(message)  # it went, but the reply was lost
            raise UnknownOutcome("ответ потерян")
        self.sent.append(message)

    def was_sent(self, key: str) -> bool | None:
        return any(m.key == key for m in self.sent)

    def close(self) -> None:
        return None


class SteppingClock:
    """A clock that moves only when slept on: a wait in a test takes no time and no luck."""

    def __init__(self) -> None:
        self.offset = timedelta()
        self.slept: list[float] = []

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.offset += timedelta(seconds=seconds)
