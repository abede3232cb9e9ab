"""Russian reminder messages: subject, plain text and HTML, from one content record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from domain.clauses import CLAUSES, FINDING_CLAUSES
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
    account_id: int | None  # None: an account still to be created (п. 1.2)
    organ: str
    network: str
    url: str
    quarter: str | None = None  # for п. 3.5: the quarter to publish
    copies: tuple[
        str, ...
    ] = ()  # who an escalation is copied to, in the dative: «руководителю органа»
    action_url: str | None = None  # the one-click link that closes the step (organs' steps)
    page_url: str | None = None  # where in srok's web app the step is done
    it_contact: str = ""  # the IT department's mailbox and phone: an office, never a person


def subject(c: ReminderContent) -> str:
    duty = CLAUSES[c.clause].duty
    what = f"{duty} ({c.network})" if c.clause != "3.5" else duty
    if c.clause in FINDING_CLAUSES:  # told once, not a term to meet: no "срок"
        return f"Замечание: {what}, аккаунт № {c.account_id} (п. {c.clause})"
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
    if c.clause == "2.5":
        return (
            "Комментарий пользователя с признаками, по которым п. 2.5 Порядка велит его удалить, "
            "ждёт решения модератора больше рабочего дня."
        )
    if c.clause in FINDING_CLAUSES:
        return "Еженедельная проверка аккаунта в социальной сети выявила нарушение Порядка."
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


def _where(c: ReminderContent) -> str:
    if c.action_url:
        return (
            f" Для этого откройте ссылку {c.action_url} и нажмите кнопку подтверждения "
            "(ссылка действует 10 рабочих дней и один раз)."
        )
    if c.page_url:
        return f" Это делается в srok: {c.page_url}"
    return ""


def _what_to_do(c: ReminderContent) -> str:
    """Say what to do and where, in words: people who get letters have no terminal."""
    if c.clause in ("3.1", "3.2"):
        return (
            "Направьте в отдел информатизации уведомление: адрес аккаунта, дату создания "
            "(изменения), ФИО, должности, телефоны и адреса электронной почты ответственных "
            "специалистов." + _where(c)
        )
    if c.clause == "1.4":
        return (
            "Разместите ссылку на аккаунт на странице органа на сайте города (и на своём "
            "сайте, при наличии) и сообщите адрес страницы: srok проверит её сразу." + _where(c)
        )
    if c.clause == "3.4":
        return "Внесите сведения в Реестр и отметьте «внесено в Реестр»." + _where(c)
    if c.clause == "2.1":
        return "Размещайте в аккаунте не менее восьми публикаций в каждую неделю (пн–вс)."
    if c.clause == "2.4":
        return (
            "Дополните описание аккаунта в социальной сети: официальное наименование органа, "
            "почтовый адрес, адрес электронной почты и телефон для справок — как в сведениях "
            "органа; следующая еженедельная проверка это увидит."
        )
    if c.clause == "2.5":
        return (
            "Откройте очередь модерации и примите решение: «удалён» (комментарий удалён в сети), "
            "«оставлен» (с причиной) или «пользователь ограничен» (по правилам сети)." + _where(c)
        )
    if c.clause == "1.2":
        return (
            "Создайте аккаунт органа в этой сети и направьте уведомление о создании "
            "(п. 3.1): когда аккаунт зарегистрирован в srok, требование снимается."
        )
    if c.clause == "1.6":
        return (
            "Подтвердите за квартал: двухфакторная аутентификация включена, у кого есть "
            "доступ (не более трёх человек), где хранятся данные для входа." + _where(c)
        )
    quarter = f" за {c.quarter}" if c.quarter else ""
    return f"Опубликуйте Реестр{quarter} на сайте города." + _where(c)


def _account_line(c: ReminderContent) -> str:
    if c.account_id is None:
        return f"Аккаунт ещё не создан: {c.organ}, {c.network}"
    return f"Аккаунт № {c.account_id}: {c.organ}, {c.network}, {c.url}"


def _contact(c: ReminderContent) -> str:
    return (
        f"Отдел информатизации: {c.it_contact}. Ответ на это письмо придёт в отдел информатизации."
    )


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
        _account_line(c),
        f"Что выявлено: {c.explanation}"
        if c.clause in FINDING_CLAUSES
        else f"Срок: {ru(c.due)}. Как он рассчитан: {c.explanation}{provisional}",
        "",
        f"Что сделать: {todo}",
        "",
        *([_contact(c), ""] if c.it_contact else []),
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
        + (
            f"<p>Аккаунт № {c.account_id}: {escape(c.organ)}, {escape(c.network)}, "
            f'<a href="{escape(c.url)}">{escape(c.url)}</a></p>'
            if c.account_id is not None
            else f"<p>{escape(_account_line(c))}</p>"
        )
        + (
            f"<p>Что выявлено: {escape(c.explanation)}</p>"
            if c.clause in FINDING_CLAUSES
            else f"<p>Срок: <strong>{ru(c.due)}</strong>.<br>Как он рассчитан: "
            f"{escape(c.explanation + provisional)}</p>"
        )
        + f"<p>Что сделать: {escape(todo)}</p>"
        + (
            f'<p><a href="{escape(c.action_url)}"><strong>Открыть и подтвердить</strong></a></p>'
            if c.action_url
            else f'<p><a href="{escape(c.page_url)}">Открыть в srok</a></p>'
            if c.page_url
            else ""
        )
        + (f"<p>{escape(_contact(c))}</p>" if c.it_contact else "")
        + "<p><small>Это письмо отправлено автоматически системой srok отдела информатизации. "
        f"Код напоминания: {escape(c.key)}</small></p>"
        "</body></html>"
    )
    return subject(c), text, html
