"""The streamed files: read back a chunk at a time, and never left half-written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publication.site import current_quarter, iter_rows, staged_folder, synced_file
from services.files import replaced_atomically

ROW = st.fixed_dictionaries(
    {
        "account_id": st.integers(min_value=1, max_value=10**6),
        "url": st.text(),  # '"rows": [', brackets, quotes, «ё», newlines: all escaped or plain
        "previous": st.lists(st.fixed_dictionaries({"url": st.text()}), max_size=2),
    }
)


@given(rows=st.lists(ROW, max_size=6), chunk=st.integers(min_value=1, max_value=40))
def test_the_rows_read_a_chunk_at_a_time_are_the_rows_written(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, Any]], chunk: int
) -> None:
    path = tmp_path_factory.mktemp("rows") / "registry.json"
    document = {"audit_head": {"id": 1, "sha256": "ab"}, "quarter": "2026Q3", "rows": rows}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n")

    assert list(iter_rows(path, chunk=chunk)) == rows


def test_the_quarter_is_read_from_the_head_of_the_file(tmp_path: Path) -> None:
    (tmp_path / "q1").mkdir()
    document = {"quarter": "2026Q3", "rows": [{"quarter": "not this one"}]}
    (tmp_path / "q1" / "registry.json").write_text(json.dumps(document, indent=2, sort_keys=True))
    (tmp_path / "current").symlink_to("q1")

    assert current_quarter(tmp_path) == "2026Q3"


def test_a_publication_that_fails_while_writing_leaves_the_old_folder_and_nothing_aside(
    tmp_path: Path,
) -> None:
    (tmp_path / "2026Q3-20261201").mkdir()
    (tmp_path / "2026Q3-20261201" / "index.html").write_text("old")

    with pytest.raises(RuntimeError), staged_folder(tmp_path, "2026Q3-20261201") as staging:
        with synced_file(staging / "index.html") as handle:
            handle.write(b"half of a new page")
        raise RuntimeError("the database went away mid-stream")

    assert (tmp_path / "2026Q3-20261201" / "index.html").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026Q3-20261201"]


def test_a_report_that_fails_while_writing_leaves_the_old_file_and_nothing_aside(
    tmp_path: Path,
) -> None:
    report = tmp_path / "report.html"
    report.write_text("old")

    with pytest.raises(RuntimeError), replaced_atomically(report) as sink:
        sink.write(b"half of a new report")
        raise RuntimeError("interrupted")
    with replaced_atomically(tmp_path / "new.csv") as sink:
        sink.write(b"a,b\r\n")

    assert report.read_text() == "old" and (tmp_path / "new.csv").read_bytes() == b"a,b\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.csv", "report.html"]
