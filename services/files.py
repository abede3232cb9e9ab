"""Where srok writes files the user names (`--out`): checked before anything is written.

A file where a folder is expected, a folder where a file is expected, or a place
that cannot be written (/proc, a read-only disk) is refused up front, naming the
option; an OS error that still happens while writing is reported as what it is.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from domain.errors import EnvironmentFault, RuleViolation

_WHY = {
    errno.EACCES: "нет прав на запись",
    errno.EPERM: "операция запрещена",
    errno.EROFS: "файловая система только для чтения",
    errno.ENOENT: "нет такого пути",
    errno.ENOSPC: "нет места на диске",
    errno.EISDIR: "это папка, а не файл",
    errno.ENOTDIR: "часть пути — файл, а не папка",
    errno.EEXIST: "уже существует",
}


def file_fault(error: OSError, field: str | None = None) -> EnvironmentFault:
    """Describe an OS error met while reading or writing a file, naming the path."""
    why = _WHY.get(error.errno or 0, error.strerror or str(error))
    where = f"«{error.filename}»: " if error.filename else ""
    return EnvironmentFault(field or "файловая система", f"{where}{why}")


def _writable_folder(field: str, folder: Path) -> None:
    if not folder.exists():
        raise RuleViolation(field, f"«{folder}» — нет такой папки")
    if not folder.is_dir():
        raise RuleViolation(field, f"«{folder}» — файл, а не папка")
    if not os.access(folder, os.W_OK) or _virtual(folder):
        raise RuleViolation(field, f"«{folder}» — в эту папку нельзя записывать")


def _virtual(folder: Path) -> bool:
    """/proc and /sys accept no new files, even from root (for whom os.access says yes)."""
    resolved = folder.resolve()
    return any(resolved == Path(v) or Path(v) in resolved.parents for v in ("/proc", "/sys"))


def check_output_file(field: str, path: Path) -> Path:
    """Refuse an output file that is a folder, or whose folder cannot be written."""
    if path.is_dir():
        raise RuleViolation(field, f"«{path}» — папка; укажите имя файла")
    _writable_folder(field, path.absolute().parent)
    return path


def check_output_folder(field: str, path: Path) -> Path:
    """Refuse an output folder that is a file, or that cannot be made or written."""
    if path.exists() and not path.is_dir():
        raise RuleViolation(field, f"«{path}» — файл, а не папка")
    existing = path.absolute()
    while not existing.exists():
        existing = existing.parent
    _writable_folder(field, existing)
    return path


@contextmanager
def replaced_atomically(path: Path) -> Iterator[BinaryIO]:
    """Write a file beside ``path``, flush it to disk, then rename it over ``path`` in one step.

    A reader never sees half a report; if writing fails, ``path`` is as it was.
    """
    descriptor, name = tempfile.mkstemp(dir=path.absolute().parent, prefix=f".{path.name}-")
    os.close(descriptor)
    try:
        with open(name, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(name, 0o644)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
