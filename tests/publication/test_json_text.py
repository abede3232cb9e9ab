"""Streamed JSON is byte for byte what json.dumps writes for the same document."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from publication.json_text import StreamedList, StreamedObject, iter_json

LEAVES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
VALUES = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


def _streamed(value: Any, depth: int) -> Any:
    """Stream every list and dict down to ``depth``, the way the writers do for big parts."""
    if depth == 0:
        return value
    if isinstance(value, list):
        return StreamedList(_streamed(v, depth - 1) for v in value)
    if isinstance(value, dict):
        return StreamedObject((k, _streamed(v, depth - 1)) for k, v in sorted(value.items()))
    return value


@given(VALUES, st.integers(min_value=0, max_value=3))
def test_a_streamed_document_is_spelt_as_json_dumps_spells_it(value: Any, depth: int) -> None:
    text = "".join(iter_json(_streamed(value, depth)))

    assert text == _dumps(value)


def test_a_plain_object_holding_a_streamed_list_sorts_its_keys_and_streams_the_list() -> None:
    rows = [{"b": 1, "a": [1, {"x": None}]}, {"a": []}]
    document = {"rows": StreamedList(iter(rows)), "quarter": "2026Q3", "head": {"id": 1}}

    text = "".join(iter_json(document))

    assert text == _dumps({"rows": rows, "quarter": "2026Q3", "head": {"id": 1}})
    assert "".join(iter_json({"rows": StreamedList([])})) == _dumps({"rows": []})
