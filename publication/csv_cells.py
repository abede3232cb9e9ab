"""CSV that a spreadsheet cannot mistake for formulas (CSV injection).

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is run as a formula by Excel and LibreOffice when the file is opened: an organ
named ``=HYPERLINK(...)`` would become a live link in the open-data set. Such a
text cell is written with a leading apostrophe, which spreadsheets show as
text and do not display (OWASP's advice). Numbers are written as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import BinaryIO

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: object) -> object:
    """Return a text cell that cannot start a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def iter_csv(rows: Iterable[Sequence[object]], *, batch: int = 1000) -> Iterator[bytes]:
    """Yield rows as UTF-8 CSV with CRLF line ends, ``batch`` rows a piece, every text cell neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for n, row in enumerate(rows, start=1):
        writer.writerow([neutral(cell) for cell in row])
        if n % batch == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    rest = buffer.getvalue()
    if rest:
        yield rest.encode("utf-8")


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """Write rows as UTF-8 CSV with CRLF line ends, every text cell neutralised."""
    return b"".join(iter_csv(rows))


class CsvFile:
    """CSV written to a binary file a row at a time, as ``csv_bytes`` writes it whole."""

    def __init__(self, sink: BinaryIO, *, batch: int = 1000) -> None:
        self._sink = sink
        self._batch = batch
        self._pending = 0
        self._buffer = io.StringIO(newline="")
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def write(self, row: Sequence[object]) -> None:
        self._writer.writerow([neutral(cell) for cell in row])
        self._pending += 1
        if self._pending >= self._batch:
            self.flush()

    def flush(self) -> None:
        self._sink.write(self._buffer.getvalue().encode("utf-8"))
        self._buffer.seek(0)
        self._buffer.truncate()
        self._pending = 0
