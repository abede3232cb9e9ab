"""Compute a due date and say, in Russian, how it was counted.

Two kinds of term occur in the procedure:
- a term in working days from an event (п. 1.4, 3.1, 3.2, 3.4): by ГК РФ
  ст. 191 it starts on the day after the event, and only working days count;
- a calendar date (п. 3.5, «не позднее 25 числа месяца, следующего за
  последним месяцем каждого квартала»): by ГК РФ ст. 193 a last day that falls
  on a non-working day moves to the next working day. The regulation itself says
  only «не позднее», so a strict reading (the 25th itself) is available too, and
  the rule applied is always written into the explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.calendar import WorkingCalendar
from domain.dates import ru, ru_long, ru_short, working_days
from domain.quarter import Quarter


class DateRule(StrEnum):
    """How a calendar-date deadline that falls on a day off is treated."""

    ART_193 = "art193"  # move to the next working day (ГК РФ ст. 193), the default
    STRICT = "strict"  # the date itself, working or not


@dataclass(frozen=True)
class Deadline:
    """A due date with the words that justify it."""

    due: date
    provisional: bool
    explanation: str


def _provisional_note(calendar: WorkingCalendar, after: date, until: date) -> tuple[bool, str]:
    years = sorted({y for y in range(after.year, until.year + 1) if not calendar.year(y).covered})
    if not years:
        return False, ""
    listed = ", ".join(str(y) for y in years)
    return True, (
        f" Внимание: переносы выходных на {listed} г. не подтверждены загруженным "
        "постановлением Правительства РФ; срок предварительный и может сдвинуться."
    )


def working_days_after(
    calendar: WorkingCalendar, *, event: date, n: int, event_words: str
) -> Deadline:
    """Count ``n`` working days from ``event`` (ГК РФ ст. 191) and explain the count.

    ``event_words`` names the event in the genitive: «создания аккаунта».
    """
    due = calendar.add_working_days(event, n)
    span = calendar.days_between(event, due)
    counted = [d for d in span if calendar.is_working(d)]
    skipped = [d for d in span if not calendar.is_working(d)]
    text = (
        f"{working_days(n).capitalize()} со дня {event_words} {ru(event)}. "
        "Счёт начинается со следующего дня (ГК РФ ст. 191), учитываются только рабочие дни: "
        + ", ".join(ru_short(d) for d in counted)
        + "."
    )
    if skipped:
        text += " Не считаются нерабочие дни: " + ", ".join(ru_short(d) for d in skipped) + "."
    text += f" Последний день срока — {ru_long(due)}."
    provisional, note = _provisional_note(calendar, event, due)
    return Deadline(due=due, provisional=provisional, explanation=text + note)


def quarter_publication_deadline(
    calendar: WorkingCalendar, quarter: Quarter, *, rule: DateRule = DateRule.ART_193
) -> Deadline:
    """Return the п. 3.5 deadline for ``quarter``: the 25th of the month after it."""
    nominal = date(quarter.next().year, quarter.next().first_day.month, 25)
    text = (
        f"Сведения Реестра за {quarter.russian()} размещаются не позднее 25 числа месяца, "
        f"следующего за последним месяцем квартала (п. 3.5): {ru_long(nominal)}."
    )
    due = nominal
    if not calendar.is_working(nominal):
        if rule is DateRule.ART_193:
            due = calendar.next_working_day(nominal)
            text += (
                " Это нерабочий день; по ГК РФ ст. 193 окончание срока переносится на "
                f"ближайший следующий рабочий день — {ru_long(due)}."
            )
        else:
            text += (
                " Это нерабочий день; применено строгое прочтение «не позднее 25 числа»: "
                "перенос по ГК РФ ст. 193 не применяется."
            )
    provisional, note = _provisional_note(calendar, nominal, due)
    return Deadline(due=due, provisional=provisional, explanation=text + note)


def late_working_days(calendar: WorkingCalendar, *, due: date, on: date) -> int:
    """Count how many working days ``on`` is past ``due`` (0 when on time)."""
    return calendar.working_days_between(due, on)
