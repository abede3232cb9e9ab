"""The audit chain: each entry's SHA-256 covers its canonical form and the previous entry's hash.

An entry is judged by its place in the chain (its id order), not by its id, so
the checks tell apart the four ways a history is rewritten:
- edited: the entry's content no longer gives its hash;
- deleted: an entry links to a predecessor that is gone (ids skip);
- inserted: an entry sits between two that were linked to each other;
- reordered: an entry links to one that now stands after it.
A fully rewritten tail is only caught against an anchor kept outside the
database: the head hash each quarterly publication prints.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
FIELDS = (
    "recorded_at",
    "actor",
    "action",
    "clause",
    "entity",
    "account_id",
    "organ_id",
    "before",
    "after",
    "calendar_version",
)


COLUMNS = ("id", "prev_hash", "hash", *FIELDS)  # a row, as ``verify_rows`` reads it
_ID, _PREV, _HASH = 0, 1, 2  # the canonical fields follow, in FIELDS order
# One encoder, made once: json.dumps with options builds a new one at every call.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def canonical(entry: Mapping[str, Any]) -> bytes:
    """Return the bytes an entry's hash is taken of (its id excluded, its content only)."""
    return _ENCODE([entry.get(f) for f in FIELDS]).encode("utf-8")


def chain_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(entry)).hexdigest()


def chain_rows(
    head_id: int, head_hash: str, entries: Iterable[Sequence[Any]]
) -> tuple[list[tuple[Any, ...]], tuple[int, str]]:
    """Link entries onto the head: rows in COLUMNS order, and the new head (id, hash).

    Each entry is a tuple of its canonical fields in FIELDS order, exactly as
    stored; its hash is the one ``chain_hash`` gives the same entry as a mapping
    (a tuple and a list encode alike), taken without building a mapping per entry.
    """
    sha256, encode = hashlib.sha256, _ENCODE  # a sweep links a hundred thousand: locals
    rows = []
    for fields in entries:
        head_id += 1
        digest = sha256(head_hash.encode("ascii") + encode(fields).encode("utf-8")).hexdigest()
        rows.append((head_id, head_hash, digest, *fields))
        head_hash = digest
    return rows, (head_id, head_hash)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    entries: int
    head_id: int | None
    head_hash: str
    first_bad_id: int | None = None
    problem: str | None = None  # edited, deleted, inserted, reordered, anchor
    words: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


RowSource = Callable[[], Iterable[Mapping[str, Any]]]
TupleSource = Callable[[], Iterable[Sequence[Any]]]


def verify(
    rows: RowSource,
    *,
    anchor: tuple[int, str] | None = None,
    anchors: Iterable[tuple[int, str]] = (),
) -> Verdict:
    """Walk the chain of entries given as mappings (see ``verify_rows``)."""
    return verify_rows(
        lambda: (tuple(row.get(c) for c in COLUMNS) for row in rows()),
        anchor=anchor,
        anchors=anchors,
    )


def verify_rows(
    rows: TupleSource,
    *,
    anchor: tuple[int, str] | None = None,
    anchors: Iterable[tuple[int, str]] = (),
) -> Verdict:
    """Walk the chain in id order; name the first entry that breaks it, and how.

    ``rows()`` yields entries as tuples in COLUMNS order (id, prev_hash, hash,
    then the canonical fields) in id order, as a database cursor gives them; it
    is called again only to explain a break, so a clean walk keeps nothing in
    memory. ``anchor`` is an (id, hash) printed earlier, for example in a
    publication; ``anchors`` are more of them (srok's own file of heads after
    each day's sweep). Each must still be in the chain, unchanged.
    """
    pinned = dict(anchors)
    if anchor:
        pinned[anchor[0]] = anchor[1]
    last_pinned = max(pinned, default=0)
    prev_hash, prev_id, count = GENESIS, 0, 0
    sha256, encode = hashlib.sha256, _ENCODE  # the loop runs a million times: locals
    for row in rows():
        count += 1
        row_id, link, digest = row[_ID], row[_PREV], row[_HASH]
        if sha256(link.encode("ascii") + encode(row[3:]).encode("utf-8")).hexdigest() != digest:
            return _bad(
                count,
                prev_id,
                prev_hash,
                row_id,
                "edited",
                f"запись № {row_id} изменена: её содержимое не даёт её хеш",
            )
        if link != prev_hash:
            return _explain(rows, row, count)
        if pinned and row_id in pinned and digest != pinned[row_id]:
            return _bad(
                count,
                prev_id,
                prev_hash,
                row_id,
                "anchor",
                f"запись № {row_id} не совпадает с хешем, записанным вне базы (якорь)",
            )
        prev_hash, prev_id = digest, row_id
    if last_pinned > prev_id:
        return _bad(
            count,
            prev_id,
            prev_hash,
            last_pinned,
            "deleted",
            f"записи после № {prev_id} удалены: записанная вне базы № {last_pinned} отсутствует",
        )
    return Verdict(True, count, prev_id or None, prev_hash)


def _bad(
    count: int, head_id: int, head_hash: str, bad_id: int, problem: str, words: str
) -> Verdict:
    return Verdict(False, count, head_id or None, head_hash, bad_id, problem, words)


def _explain(rows: TupleSource, broken: Sequence[Any], count: int) -> Verdict:
    """An entry does not link to the one before it: walk again to see why."""
    before: list[tuple[int, str]] = []  # (id, hash) of the entries before the break
    after: set[str] = set()  # hashes of the entries after it
    passed = False
    for row in rows():
        if row[_ID] == broken[_ID]:
            passed = True
        elif passed:
            after.add(row[_HASH])
        else:
            before.append((row[_ID], row[_HASH]))
    head_id, head_hash = before[-1] if before else (0, GENESIS)
    link = broken[_PREV]
    if link in after:
        return _bad(
            count,
            head_id,
            head_hash,
            broken[_ID],
            "reordered",
            f"запись № {broken[_ID]} переставлена: она ссылается на запись, стоящую после неё",
        )
    earlier = [i for i, (_, h) in enumerate(before) if h == link]
    if earlier or link == GENESIS:
        first = before[earlier[0] + 1][0] if earlier else before[0][0]
        return _bad(
            count,
            head_id,
            head_hash,
            first,
            "inserted",
            f"запись № {first} вставлена: запись № {broken[_ID]} ссылается на предшествующую ей",
        )
    return _bad(
        count,
        head_id,
        head_hash,
        broken[_ID],
        "deleted",
        f"перед записью № {broken[_ID]} удалены записи (после № {head_id})",
    )
