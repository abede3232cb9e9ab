"""Run one delivery in its own process, for the crash tests.

Usage: python -m tests.services.deliver_worker DATABASE_URL SCHEMA SMTP_PORT [DIE]
(SCHEMA is "-" for none). DIE is "before:N" or "after:N": the process kills
itself with SIGKILL just before it hands its Nth message to the SMTP server, or
just after the server accepted it and before the outcome is recorded. So the
crash falls at a chosen point instead of wherever a timer happens to catch it.
"""

from __future__ import annotations

import os
import signal
import sys

from models.db import make_engine
from notifications.base import OutgoingMessage
from notifications.smtp import SmtpConfig, SmtpNotifier
from services.delivery import deliver


class DyingNotifier:
    """SMTP that dies (SIGKILL, no clean-up) around its Nth message."""

    channel = "smtp"
    settle_seconds = 0

    def __init__(self, inner: SmtpNotifier, *, when: str, at: int) -> None:
        self.inner, self.when, self.at, self.count = inner, when, at, 0

    def send(self, message: OutgoingMessage) -> None:
        self.count += 1
        if self.count == self.at and self.when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        self.inner.send(message)
        if self.count == self.at and self.when == "after":
            os.kill(os.getpid(), signal.SIGKILL)

    def was_sent(self, key: str) -> bool | None:
        return self.inner.was_sent(key)

    def close(self) -> None:
        self.inner.close()


def main() -> None:
    url, schema, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    kwargs = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema != "-" else {}
    engine = make_engine(url, **kwargs)
    notifier = SmtpNotifier(SmtpConfig(host="127.0.0.1", port=port, security="none"))
    if len(sys.argv) > 4:
        when, _, at = sys.argv[4].partition(":")
        notifier = DyingNotifier(notifier, when=when, at=int(at))  # type: ignore[assignment]
    report = deliver(engine=engine, notifier=notifier, sender="srok@example.invalid")
    print(len(report.sent), flush=True)


if __name__ == "__main__":
    main()
