"""index.html: the public registry as a self-contained page (no JavaScript; phone and print)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from typing import Any

from domain.dates import ru

STYLE = """
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       margin: 0 auto; max-width: 72rem; padding: 1rem; color: #1a1a1a; background: #fff; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 .5rem; }
p { margin: .25rem 0 .75rem; }
a { color: #0b57d0; overflow-wrap: break-word; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
caption { text-align: left; font-weight: 600; padding: .5rem 0; }
th, td { border: 1px solid #c7c7c7; padding: .5rem; text-align: left; vertical-align: top; }
th { background: #f1f3f4; }
.files li { margin: .25rem 0; }
code { overflow-wrap: anywhere; font-size: .9em; }
footer { margin-top: 1.5rem; color: #444; font-size: .9rem; }
@media (max-width: 40rem) {
  table, caption, thead, tbody, tr, th, td { display: block; }
  a { overflow-wrap: anywhere; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  tr { border: 1px solid #c7c7c7; margin: 0 0 .75rem; }
  td { border: none; border-bottom: 1px solid #eee; }
  td::before { content: attr(data-label) ": "; font-weight: 600; }
}
@media print {
  body { max-width: none; font-size: 11pt; }
  a { color: #000; text-decoration: none; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 9pt; }
  tr { break-inside: avoid; }
  .files { display: none; }
}
"""

COLUMNS = (
    "Орган",
    "Социальная сеть",
    "Действующий адрес",
    "Дата создания",
    "Прежние адреса и даты изменения",
    "Внесено в Реестр",
)
FILE_WORDS = {  # what each published file is, for a resident who is not a programmer
    "meta.csv": "паспорт набора открытых данных: что в нём, кто публикует, до какого дня актуален",
    "registry.json": "те же сведения в формате JSON, для программ",
}


def _previous(previous: Sequence[dict[str, str]]) -> str:
    if not previous:
        return "—"
    items = "".join(
        f"<li>{escape(p['url'])} — до {ru(date.fromisoformat(p['changed_on']))}</li>"
        for p in previous
    )
    return f"<ul>{items}</ul>"


def row(entry: dict[str, Any]) -> str:
    """Return one account's table row."""
    url = escape(str(entry["url"]))
    cells = (
        escape(str(entry["organ"])),
        escape(str(entry["network"])),
        f'<a href="{url}" rel="noopener">{url}</a>',
        ru(date.fromisoformat(str(entry["created_on"]))),
        _previous(entry["previous"]),
        ru(date.fromisoformat(str(entry["entered_on"]))),
    )
    return (
        "<tr>"
        + "".join(f'<td data-label="{COLUMNS[i]}">{cell}</td>' for i, cell in enumerate(cells))
        + "</tr>"
    )


def head(*, count: int, quarter_words: str, published_on: date) -> str:
    """Return the page up to its first row (the caption counts the rows: ``count``)."""
    table = (
        "<table><caption>Аккаунты в социальных сетях: " + f"{count}" + "</caption>"
        "<thead><tr>" + "".join(f'<th scope="col">{c}</th>' for c in COLUMNS) + "</tr></thead>"
        "<tbody>"
        if count
        else "<p>Сведений в Реестре пока нет.</p>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="ru">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Реестр аккаунтов Администрации города Новоалтайска в социальных сетях</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        "<h1>Реестр аккаунтов Администрации города Новоалтайска и её органов "
        "в социальных сетях</h1>\n"
        f"<p>Сведения за {escape(quarter_words)}, размещены {ru(published_on)} в соответствии "
        "с п. 3.5 Порядка создания и ведения аккаунтов (постановление Администрации города "
        "Новоалтайска от 27.03.2023 № 608).</p>\n"
        f"{table}"
    )


ROW_SEPARATOR = "\n"  # between two rows, none after the last


def tail(
    *, count: int, files: Sequence[str], anchor: tuple[int | None, str | None] = (None, None)
) -> str:
    """Return the page after its last row: the files to download and the audit anchor."""
    links = "".join(
        f'<li><a href="{escape(name)}">{escape(name)}</a> — {escape(_file_words(name))}</li>'
        for name in files
    )
    return (
        ("</tbody></table>" if count else "")
        + "\n"
        + '<section class="files"><h2>Открытые данные</h2>'
        "<p>Те же сведения для скачивания и обработки, по методическим рекомендациям "
        "по публикации открытых данных (версия 3.0):</p><ul>"
        f"{links}</ul></section>\n" + _anchor(anchor) + "</main>\n</body>\n</html>\n"
    )


def render(
    rows: Sequence[dict[str, Any]],
    *,
    quarter_words: str,
    published_on: date,
    files: Sequence[str],
    anchor: tuple[int | None, str | None] = (None, None),
) -> bytes:
    """Return the page as UTF-8 bytes; the same rows give the same bytes.

    The publication writes the same pieces (``head``, ``row``, ``tail``) to its
    file as the rows come; this joins them for a page served whole.
    """
    page = (
        head(count=len(rows), quarter_words=quarter_words, published_on=published_on)
        + ROW_SEPARATOR.join(row(r) for r in rows)
        + tail(count=len(rows), files=files, anchor=anchor)
    )
    return page.encode("utf-8")


def _file_words(name: str) -> str:
    if name in FILE_WORDS:
        return FILE_WORDS[name]
    if name.startswith("structure-"):
        return "структура набора: поля данных, их описание и формат"
    if name.startswith("data-"):
        return "данные Реестра в формате CSV (UTF-8, через запятую), по строке на аккаунт"
    return "файл публикации"


def _anchor(anchor: tuple[int | None, str | None]) -> str:
    if not anchor[1]:
        return ""
    return (
        '<footer><p class="anchor">Контрольная запись журнала изменений на момент публикации: '
        f"№ {anchor[0]}, SHA-256 <code>{escape(anchor[1])}</code>. По ней можно убедиться, "
        "что история Реестра до этой публикации не переписана.</p></footer>\n"
    )
