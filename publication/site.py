"""Write a publication into its own folder atomically and point `current` at it."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

CURRENT = "current"


def write_publication(out: Path, folder: str, files: dict[str, bytes]) -> Path:
    """Write ``files`` into ``out/folder`` (aside first, then renamed into place).

    Re-writing the same folder replaces it whole; no reader ever sees half of it.
    """
    with staged_folder(out, folder) as staging:
        for name, data in sorted(files.items()):
            with synced_file(staging / name) as handle:
                handle.write(data)
    return out / folder


@contextmanager
def synced_file(path: Path) -> Iterator[BinaryIO]:
    """Open ``path`` for writing; on leaving, flush it to the disk (fsync)."""
    with open(path, "wb") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


@contextmanager
def staged_folder(out: Path, folder: str) -> Iterator[Path]:
    """Give a folder aside to write into; on success rename it to ``out/folder`` in one step.

    Files are written there as their rows come (see services.publish); if anything
    fails, the folder aside is removed and ``out/folder`` is as it was.
    """
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder}-", dir=out))
    try:
        yield staging
        os.chmod(staging, 0o755)
        target = out / folder
        if target.exists():
            old = out / f".{folder}-old"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def point_current(out: Path, folder: str) -> None:
    """Swap the stable `current` link to ``folder`` in one rename."""
    link = out / f".{CURRENT}-new"
    link.unlink(missing_ok=True)
    os.symlink(folder, link)
    os.replace(link, out / CURRENT)


def current_rows(out: Path) -> list[dict[str, object]] | None:
    """Read the rows of the publication `current` points to, if any."""
    rows = iter_current_rows(out)
    return None if rows is None else list(rows)


def iter_current_rows(out: Path) -> Iterator[dict[str, object]] | None:
    """Read the rows of the publication `current` points to as they come; None if there is none."""
    path = out / CURRENT / "registry.json"
    return iter_rows(path) if path.exists() else None


ROWS = re.compile(r'"rows"\s*:\s*\[')
_SPACE = re.compile(r"[\s,]*")


def iter_rows(path: Path, *, chunk: int = 1 << 16) -> Iterator[dict[str, object]]:
    """Yield the rows of a published registry.json one at a time, reading it a chunk at a time.

    A quote inside a JSON string is escaped, so ``"rows": [`` can only be the key
    of the document's rows (the last key, as the keys are sorted).
    """
    decoder = json.JSONDecoder()
    with open(path, encoding="utf-8") as handle:
        text = handle.read(chunk)
        while (found := ROWS.search(text)) is None:
            more = handle.read(chunk)
            if not more:
                raise ValueError(f"{path}: no rows")
            text = text[-16:] + more
        text, at = text[found.end() :], 0
        while True:
            at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
            if text.startswith("]", at):
                return
            try:
                row, end = decoder.raw_decode(text, at)
            except json.JSONDecodeError:
                more = handle.read(chunk)
                if not more:
                    raise
                text, at = text[at:] + more, 0
                continue
            yield row
            at = end
            if at > chunk:
                text, at = text[at:], 0


def current_quarter(out: Path) -> str | None:
    """Read the quarter of the publication `current` points to, if any (from the file's head)."""
    path = out / CURRENT / "registry.json"
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as handle:
        head = handle.read(1 << 12)
    found = QUARTER.search(head)
    if found is not None:  # "quarter" comes before "rows": the keys are sorted
        return found.group(1)
    return str(json.loads(path.read_text(encoding="utf-8"))["quarter"])


QUARTER = re.compile(r'^  "quarter": "([^"\\]*)"', re.MULTILINE)
