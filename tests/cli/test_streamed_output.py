"""Streamed output: the bytes json.dumps would give, a thousand lines a write, in order."""

from __future__ import annotations

import io
import json
from typing import NamedTuple

import pytest

from cli.output import stream_json, stream_lines


class Row(NamedTuple):
    id: int
    name: str
    done: str | None
    late: bool


@pytest.mark.parametrize("count", [0, 1, 1000, 2001])
def test_named_tuples_stream_as_the_objects_json_dumps_writes_one_a_line(count: int) -> None:
    rows = [
        Row(n, f"Орган «{n}»\n", None if n % 2 else "2026-12-01", n % 3 == 0) for n in range(count)
    ]
    out = io.StringIO()

    stream_json(iter(rows), out=out)

    lines = [json.dumps(r._asdict(), ensure_ascii=False) for r in rows]
    assert out.getvalue() == ("[\n" + ",\n".join(lines) + "\n]\n" if rows else "[]\n")
    assert json.loads(out.getvalue()) == [r._asdict() for r in rows]


def test_lines_for_people_come_in_order_and_an_empty_view_says_so() -> None:
    many, none = io.StringIO(), io.StringIO()

    stream_lines((f"строка {n}" for n in range(2500)), empty="записей нет", out=many)
    stream_lines(iter(()), empty="записей нет", out=none)

    assert many.getvalue().splitlines() == [f"строка {n}" for n in range(2500)]
    assert none.getvalue() == "записей нет\n"
