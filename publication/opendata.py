"""The open-data set in the form of the Russian methodical recommendations, version 3.0.

Three files, UTF-8, comma-separated, with a header row:
- meta.csv: the passport, ``property,value`` rows (standardversion, identifier,
  title, description, creator, created, modified, subject, format, provenance,
  valid, publisher*), then one row naming the data file and one the structure;
- structure-YYYYMMDD.csv: ``field name,english description,russian description,format``;
- data-YYYYMMDD-structure-YYYYMMDD.csv: the rows.
The publisher is the IT department as an office, never a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from publication.csv_cells import csv_bytes

STANDARD = "http://opendata.gosmonitor.ru/standard/3.0"
STRUCTURE_VERSION = "20261201"  # the day this structure was defined; bump when fields change

FIELDS = (
    ("num", "Sequence number", "Номер по порядку", "integer"),
    (
        "organ",
        "Body of the Administration that created the account",
        "Наименование органа, создавшего аккаунт",
        "string",
    ),
    ("network", "Social network", "Социальная сеть", "string"),
    ("url", "Current address of the account", "Действующий адрес аккаунта", "string"),
    (
        "created_on",
        "Date the account was created (YYYY-MM-DD)",
        "Дата создания аккаунта (ГГГГ-ММ-ДД)",
        "date",
    ),
    (
        "previous",
        "Previous addresses of the account, oldest first, separated by '; ', each written as "
        "'ADDRESS (до YYYY-MM-DD)' where the date is the day the address changed; empty if "
        "the address never changed",
        "Предыдущие адреса аккаунта, начиная с самого раннего, через «; », каждый в виде "
        "«АДРЕС (до ГГГГ-ММ-ДД)», где дата — день изменения адреса; пусто, если адрес не "
        "менялся",
        "string",
    ),
    (
        "entered_on",
        "Date the details shown were entered into the Registry (YYYY-MM-DD)",
        "Дата внесения показанных сведений в Реестр (ГГГГ-ММ-ДД)",
        "date",
    ),
)
# Field names are those of registry.json's rows (created_on, entered_on, previous, ...),
# so the same field has one name in every published file.


@dataclass(frozen=True)
class Passport:
    """What meta.csv says about the set."""

    identifier: str
    creator: str
    publisher: str
    publisher_phone: str
    publisher_mbox: str
    created: date  # the first publication
    modified: date  # this publication
    valid: date  # the next deadline under п. 3.5
    quarter_words: str


def _csv(rows: Sequence[Sequence[object]]) -> bytes:
    return csv_bytes(rows)


def previous_words(previous: Sequence[dict[str, str]]) -> str:
    """Write earlier addresses as the structure file describes: ``ADDRESS (до YYYY-MM-DD)``."""
    return "; ".join(f"{p['url']} (до {p['changed_on']})" for p in previous)


def file_names(on: date) -> tuple[str, str]:
    day = on.strftime("%Y%m%d")
    return f"data-{day}-structure-{STRUCTURE_VERSION}.csv", f"structure-{STRUCTURE_VERSION}.csv"


def data_rows(rows: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    """Yield the data file's header, then one numbered line an account."""
    yield [f[0] for f in FIELDS]
    for n, row in enumerate(rows, start=1):
        yield data_line(n, row)


def data_line(n: int, row: dict[str, Any]) -> list[Any]:
    """Return the data file's line for the ``n``-th account (from 1)."""
    return [
        n,
        row["organ"],
        row["network"],
        row["url"],
        row["created_on"],
        previous_words(row["previous"]),
        row["entered_on"],
    ]


def render(rows: Sequence[dict[str, Any]], passport: Passport) -> dict[str, bytes]:
    """Return the three files by name."""
    data_name, _ = file_names(passport.modified)
    return {**small_files(passport), data_name: _csv(list(data_rows(rows)))}


def small_files(passport: Passport) -> dict[str, bytes]:
    """Return the passport (meta.csv) and the structure file: a few lines whatever the city."""
    data_name, structure_name = file_names(passport.modified)
    meta = [
        ["property", "value"],
        ["standardversion", STANDARD],
        ["identifier", passport.identifier],
        [
            "title",
            "Реестр аккаунтов Администрации города Новоалтайска и её органов в социальных сетях",
        ],
        [
            "description",
            "Открытые сведения Реестра (п. 3.3, 3.5 Порядка, утверждённого "
            "постановлением Администрации города Новоалтайска от 27.03.2023 № 608): "
            "органы, действующие и прежние адреса аккаунтов, даты их создания и "
            f"изменения (за {passport.quarter_words}). Сведения об ответственных "
            "специалистах не публикуются.",
        ],
        ["creator", passport.creator],
        ["created", passport.created.strftime("%Y%m%d")],
        ["modified", passport.modified.strftime("%Y%m%d")],
        ["subject", "социальные сети, аккаунты, органы местного самоуправления, Новоалтайск"],
        ["format", "csv"],
        ["provenance", f"Ежеквартальное обновление: {passport.quarter_words}"],
        ["valid", passport.valid.strftime("%Y%m%d")],
        ["publishername", passport.publisher],
        ["publisherphone", passport.publisher_phone],
        ["publishermbox", passport.publisher_mbox],
        [data_name.removesuffix(".csv"), data_name],
        [structure_name.removesuffix(".csv"), structure_name],
    ]
    structure = [
        ["field name", "english description", "russian description", "format"],
        *[list(f) for f in FIELDS],
    ]
    return {"meta.csv": _csv(meta), structure_name: _csv(structure)}
