"""The terms of the standing duties: a required account (п. 1.2), quarterly protection (п. 1.6).

п. 1.2 leaves the date to a resolution of the Administration: the step is due on
the date the resolution sets. п. 1.6 sets no term at all: the quarterly
confirmation and its term (``working_days`` from the quarter's first day) are
srok's policy, so that a forgotten 2FA is asked about at least four times a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.calendar import WorkingCalendar
from domain.clauses import PROTECTION
from domain.dates import ru, ru_long
from domain.deadlines import Deadline, working_days_after
from domain.errors import RuleViolation
from domain.quarter import Quarter

DEFAULT_PROTECTION_DAYS = 10


def required_account_deadline(
    *, network: str, resolution_number: str, resolution_date: date, due: date
) -> Deadline:
    """Explain the п. 1.2 due date: the one the resolution sets."""
    return Deadline(
        due=due,
        provisional=False,
        explanation=(
            f"Срок создания аккаунта ({network}) установлен постановлением Администрации города "
            f"от {ru(resolution_date)} № {resolution_number} (п. 1.2 Порядка): {ru_long(due)}."
        ),
    )


def protection_deadline(
    calendar: WorkingCalendar, *, quarter: Quarter, working_days: int, created_on: date
) -> Deadline:
    """Return the term of a quarter's protection confirmation (п. 1.6, srok's policy).

    The term runs from the quarter's first day, or from the account's creation
    when it was created during the quarter.
    """
    since = max(quarter.first_day, created_on)
    base = working_days_after(
        calendar,
        event=since,
        n=working_days,
        event_words=PROTECTION.counted_from if since == quarter.first_day else "создания аккаунта",
    )
    return Deadline(
        base.due,
        base.provisional,
        f"Защита аккаунта подтверждается ежеквартально; срок за {quarter.russian()} — "
        "правило srok, а не срок Порядка (п. 1.6 срока не устанавливает). " + base.explanation,
    )


@dataclass(frozen=True)
class ProtectionAnswer:
    """What the specialist confirms for a quarter (п. 1.6)."""

    two_factor: bool
    people_with_access: int
    credentials_kept: str


def check_protection(answer: ProtectionAnswer) -> None:
    """Refuse a confirmation that does not confirm п. 1.6."""
    if not answer.two_factor:
        raise RuleViolation(
            "--two-factor",
            "подтвердить можно только включённую двухфакторную аутентификацию; "
            "включите её и подтвердите снова",
            PROTECTION.number,
        )
    if not 1 <= answer.people_with_access <= 3:
        raise RuleViolation(
            "--people",
            f"{answer.people_with_access} — доступ к аккаунту одновременно может быть "
            "не более чем у трёх человек (и хотя бы у одного)",
            PROTECTION.number,
        )
    if len(answer.credentials_kept.strip()) < 3:
        raise RuleViolation(
            "--credentials-kept",
            "укажите, где хранятся данные для входа (место, не сами данные): например, "
            "«сейф кабинета 12» или «менеджер паролей отдела»",
            PROTECTION.number,
        )


def protection_term_setting(text: str | None) -> int:
    """Read SROK_PROTECTION_DAYS: working days from the quarter's start (default 10)."""
    if text is None or not text.strip():
        return DEFAULT_PROTECTION_DAYS
    try:
        days = int(text.strip())
    except ValueError:
        days = 0
    if not 1 <= days <= 60:
        raise RuleViolation(
            "SROK_PROTECTION_DAYS",
            f"«{text}» — ожидается число рабочих дней от 1 до 60",
            PROTECTION.number,
        )
    return days
