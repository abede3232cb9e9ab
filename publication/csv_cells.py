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
from collections.abc import Iterable, Sequence

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: object) -> object:
    """Return a text cell that cannot start a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """Write rows as UTF-8 CSV with CRLF line ends, every text cell neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([neutral(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")
