"""JSON written a piece at a time, byte for byte what one ``json.dumps`` would write.

The published registry.json and the compliance report's JSON are
``json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True)``. For a
large city their big parts (every row, every organ) are given as iterables
instead (``StreamedList``, ``StreamedObject``), so the document is written as
its rows come and never held whole. The small parts go through ``json.dumps``
itself, so every number and string is spelt as before.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

_END = object()


class StreamedList:
    """A JSON array whose items come from an iterable, read once."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


class StreamedObject:
    """A JSON object whose ``(key, value)`` pairs come from an iterable, already in key order.

    ``sort_keys`` cannot sort what is not yet read: the caller yields the keys in
    Python's string order (code points), as ``json.dumps`` would have sorted them.
    """

    def __init__(self, pairs: Iterable[tuple[str, Any]]) -> None:
        self.pairs = pairs


def _streamed(value: Any) -> bool:
    return isinstance(value, StreamedList | StreamedObject)


def iter_json(value: Any, level: int = 0) -> Iterator[str]:
    """Yield the text of ``value`` as ``json.dumps(value, indent=2, sort_keys=True)``."""
    if isinstance(value, dict) and any(_streamed(v) for v in value.values()):
        value = StreamedObject(sorted(value.items()))
    if not _streamed(value):
        text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
        yield text.replace("\n", "\n" + "  " * level) if level else text
        return
    is_object = isinstance(value, StreamedObject)
    items = iter(value.pairs if is_object else value.items)
    first = next(items, _END)
    opening, closing = ("{", "}") if is_object else ("[", "]")
    if first is _END:
        yield opening + closing
        return
    inner = "\n" + "  " * (level + 1)
    yield opening
    separator = inner
    for item in chain([first], items):
        if is_object:
            key, item = item
            yield f"{separator}{json.dumps(key, ensure_ascii=False)}: "
        else:
            yield separator
        yield from iter_json(item, level + 1)
        separator = "," + inner
    yield "\n" + "  " * level + closing
