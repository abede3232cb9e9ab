"""The embedded default channel: each message an .eml file in a folder."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from notifications.base import OutgoingMessage

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class OutboxNotifier:
    """Write each message to ``folder/<key>.eml`` atomically (write aside, fsync, rename).

    The file name is the reminder key, so writing twice leaves one file and
    ``was_sent`` can always tell.
    """

    channel = "outbox"
    settle_seconds = 0

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, key: str) -> Path:
        return self.folder / f"{_UNSAFE.sub('_', key)}.eml"

    def send(self, message: OutgoingMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = message.to_bytes()
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".writing-", suffix=".eml")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path_for(message.key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def was_sent(self, key: str) -> bool | None:
        return self.path_for(key).exists()

    def close(self) -> None:
        return None
