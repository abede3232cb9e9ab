"""Russian reminder messages: subject, plain text and HTML, from one content record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from domain.clauses import CLAUSES
from domain.dates import ru, working_days
from domain.reminders import ReminderKind


@dataclass(frozen=True)
class ReminderContent:
    """What a reminder says; no personal data (recipients are added by the caller)."""

    key: str
    kind: ReminderKind
    clause: str
    due: date
    explanation: str
    provisional: bool
    working_days_left: int
    working_days_late: int
    account_id: int
    organ: str
    network: str
    url: str
    quarter: str | None = None  # for п. 3.5: the quarter to publish
    copies: tuple[
        str, ...
    ] = ()  # who an escalation is copied to, in the dative: «руководителю органа»


def subject(c: ReminderContent) -> str:
    duty = CLAUSES[c.clause].duty
    what = f"{duty} ({c.network})" if c.clause != "3.5" else duty
    if c.kind is ReminderKind.HEADS_UP or c.kind is ReminderKind.DUE_TODAY:
        prefix = f"Срок {ru(c.due)}"
        if c.kind is ReminderKind.DUE_TODAY:
            prefix += " (сегодня)"
    elif c.kind is ReminderKind.OVERDUE:
        prefix = f"Просрочено с {ru(c.due)}"
    else:
        prefix = f"Эскалация: просрочено на {working_days(c.working_days_late)}"
    return f"{prefix}: {what} (п. {c.clause})"


def _situation(c: ReminderContent) -> str:
    if c.kind is ReminderKind.HEADS_UP:
        return (
            f"До окончания срока {ru(c.due)} остаётся {working_days(c.working_days_left)}: "
            "это последний рабочий день перед сроком."
        )
    if c.kind is ReminderKind.DUE_TODAY:
        return f"Срок истекает сегодня, {ru(c.due)}."
    text = f"Срок истёк {ru(c.due)}; просрочка — {working_days(c.working_days_late)}."
    if c.kind is ReminderKind.ESCALATION and c.copies:
        text += f" Копия направлена: {', '.join(c.copies)}."
    return text


def _what_to_do(c: ReminderContent) -> str:
    clause = CLAUSES[c.clause]
    command = clause.how_to_report.format(account=c.account_id, quarter=c.quarter or "ГГГГQN")
    if c.clause in ("3.1", "3.2"):
        return (
            "Направьте в отдел информатизации адрес аккаунта, дату создания (изменения) и "
            "ФИО, должности, телефоны и адреса электронной почты ответственных специалистов. "
            f"Отдел информатизации отметит получение командой: {command}"
        )
    if c.clause == "1.4":
        return (
            "Разместите ссылку на аккаунт на странице органа на сайте города (и на своём "
            f"сайте, при наличии) и сообщите в отдел информатизации. Отметка: {command}"
        )
    return f"Когда будет сделано, отметьте: {command}"


def render(c: ReminderContent) -> tuple[str, str, str]:
    """Return (subject, text, html) for a reminder."""
    clause = CLAUSES[c.clause]
    situation = _situation(c)
    todo = _what_to_do(c)
    provisional = (
        " Срок предварительный: переносы выходных дней на этот год ещё не подтверждены "
        "постановлением Правительства РФ."
        if c.provisional
        else ""
    )
    lines = [
        "Здравствуйте!",
        "",
        situation,
        "",
        f"Обязанность (п. {c.clause} Порядка, постановление Администрации г. Новоалтайска "
        f"от 27.03.2023 № 608): {clause.text}.",
        f"Аккаунт № {c.account_id}: {c.organ}, {c.network}, {c.url}",
        f"Срок: {ru(c.due)}. Как он рассчитан: {c.explanation}{provisional}",
        "",
        f"Что сделать: {todo}",
        "",
        "Это письмо отправлено автоматически системой srok отдела информатизации.",
        f"Код напоминания: {c.key}",
    ]
    text = "\n".join(lines) + "\n"
    html = (
        '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">'
        f"<title>{escape(subject(c))}</title></head><body>"
        "<p>Здравствуйте!</p>"
        f"<p><strong>{escape(situation)}</strong></p>"
        f"<p>Обязанность (п. {escape(c.clause)} Порядка, постановление Администрации "
        f"г. Новоалтайска от 27.03.2023 № 608): {escape(clause.text)}.</p>"
        f"<p>Аккаунт № {c.account_id}: {escape(c.organ)}, {escape(c.network)}, "
        f'<a href="{escape(c.url)}">{escape(c.url)}</a></p>'
        f"<p>Срок: <strong>{ru(c.due)}</strong>.<br>Как он рассчитан: "
        f"{escape(c.explanation + provisional)}</p>"
        f"<p>Что сделать: {escape(todo)}</p>"
        "<p><small>Это письмо отправлено автоматически системой srok отдела информатизации. "
        f"Код напоминания: {escape(c.key)}</small></p>"
        "</body></html>"
    )
    return subject(c), text, html
