"""What changed in the public registry since the previous publication, in flat memory.

The previous publication's rows (read from its registry.json as they come) and
the new rows (as they are written) go into a temporary SQLite file of this
process, not into Python dicts; the added, removed and changed addresses are
then read back sorted as before. A city's registry is never held whole; the
lists are as long as the changes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from itertools import islice
from types import TracebackType
from typing import Any

BATCH = 1000


class Changes:
    """Compare two runs of rows by ``account_id``; the old ones may be None (a first publication)."""

    def __init__(self, before: Iterable[dict[str, Any]] | None) -> None:
        # "": a private temporary file that SQLite deletes on close; pages past its
        # cache go to disk, so memory stays flat however many rows pass.
        self._db = sqlite3.connect("")
        self._db.execute("CREATE TABLE new (n INTEGER PRIMARY KEY, id INTEGER, url TEXT)")
        self._db.execute("CREATE TABLE old (id INTEGER PRIMARY KEY, url TEXT)")
        self._first = before is None
        self._pending: list[tuple[int, str]] = []
        if before is not None:
            rows = ((int(r["account_id"]), str(r["url"])) for r in before)
            while batch := list(islice(rows, BATCH)):
                self._db.executemany("INSERT OR REPLACE INTO old VALUES (?, ?)", batch)

    def __enter__(self) -> Changes:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._db.close()

    def note(self, row: dict[str, Any]) -> dict[str, Any]:
        """Remember a new row; return it, so the rows can pass through on their way to the files."""
        self._pending.append((int(row["account_id"]), str(row["url"])))
        if len(self._pending) >= BATCH:
            self._flush()
        return row

    def _flush(self) -> None:
        self._db.executemany("INSERT INTO new (id, url) VALUES (?, ?)", self._pending)
        self._pending = []

    def found(self) -> tuple[list[str], list[str], list[str]]:
        """Return the addresses added, removed, and changed ("old → new"), each sorted.

        A first publication adds every address, in the order of the rows. SQLite
        compares text byte by byte, which for UTF-8 is Python's order.
        """
        self._flush()
        self._db.execute("CREATE INDEX new_id ON new (id)")
        if self._first:
            return self._urls("SELECT url FROM new ORDER BY n"), [], []
        added = self._urls("SELECT url FROM new WHERE id NOT IN (SELECT id FROM old) ORDER BY url")
        removed = self._urls(
            "SELECT url FROM old WHERE id NOT IN (SELECT id FROM new) ORDER BY url"
        )
        changed = self._urls(
            "SELECT old.url || ' → ' || new.url AS pair FROM old JOIN new USING (id) "
            "WHERE old.url IS NOT new.url ORDER BY pair"
        )
        return added, removed, changed

    def _urls(self, query: str) -> list[str]:
        return [url for (url,) in self._iter(query)]

    def _iter(self, query: str) -> Iterator[tuple[str]]:
        return iter(self._db.execute(query))
