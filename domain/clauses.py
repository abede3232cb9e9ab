"""The clause table: every obligation of the procedure that has a deadline.

Постановление Администрации г. Новоалтайска от 27.03.2023 № 608, «Порядок
создания и ведения аккаунтов ... в социальных сетях». Each clause is defined
here once; code, messages and reports cite it by its number.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Party(StrEnum):
    """Who owes the step."""

    ORGAN = "organ"  # the organ that runs the account (орган)
    IT = "it"  # отдел информатизации


IT_DEPARTMENT = "Отдел информатизации"  # owes п. 3.4 and 3.5 for every organ's accounts


@dataclass(frozen=True)
class Clause:
    """One obligation: its number, its words, who owes it, its term."""

    number: str
    duty: str  # what is to be done, imperative, for subjects and tables
    text: str  # the obligation as the procedure words it
    party: Party
    working_days: int | None  # None: a calendar date (п. 3.5)
    counted_from: str  # the event, in the genitive, for explanations
    how_to_report: str  # the srok command that records it

    @property
    def label(self) -> str:
        return f"п. {self.number}"


NOTICE = Clause(
    number="3.1",
    duty="уведомить отдел информатизации о создании аккаунта",
    text=(
        "в течение трёх рабочих дней со дня создания аккаунта направить в отдел информатизации "
        "его адрес, дату создания, ФИО, должности, телефоны и адреса электронной почты "
        "ответственных специалистов"
    ),
    party=Party.ORGAN,
    working_days=3,
    counted_from="создания аккаунта",
    how_to_report="srok notice sent --account {account} --on ДАТА",
)
CHANGE_NOTICE = Clause(
    number="3.2",
    duty="уведомить отдел информатизации об изменении сведений об аккаунте",
    text=(
        "в течение трёх рабочих дней со дня изменения сведений, указанных в п. 3.1, "
        "направить информацию об изменении в отдел информатизации"
    ),
    party=Party.ORGAN,
    working_days=3,
    counted_from="изменения сведений",
    how_to_report="srok notice sent --account {account} --on ДАТА",
)
SITE_LINK = Clause(
    number="1.4",
    duty="разместить ссылку на аккаунт на странице органа на сайте города",
    text=(
        "в течение пяти рабочих дней со дня создания аккаунта разместить ссылку с его адресом "
        "на своей странице на официальном сайте города (и на своём сайте, при наличии)"
    ),
    party=Party.ORGAN,
    working_days=5,
    counted_from="создания аккаунта",
    how_to_report="srok link posted --account {account} --on ДАТА --page АДРЕС_СТРАНИЦЫ",
)
REGISTRY_ENTRY = Clause(
    number="3.4",
    duty="внести сведения об аккаунте в Реестр",
    text=(
        "включить сведения в Реестр в течение пяти рабочих дней со дня поступления "
        "информации по п. 3.1, 3.2"
    ),
    party=Party.IT,
    working_days=5,
    counted_from="поступления уведомления в отдел информатизации",
    how_to_report="srok registry entered --account {account} --on ДАТА",
)
PUBLICATION = Clause(
    number="3.5",
    duty="разместить сведения Реестра на сайте города",
    text=(
        "разместить и обновить открытые сведения Реестра (кроме абзаца 5 п. 3.3) на сайте города "
        "не позднее 25 числа месяца, следующего за последним месяцем квартала"
    ),
    party=Party.IT,
    working_days=None,
    counted_from="внесения сведений в Реестр",
    how_to_report="srok publication done --quarter {quarter} --on ДАТА",
)

REQUIRED_ACCOUNT = Clause(
    number="1.2",
    duty="создать аккаунт, предусмотренный постановлением Администрации",
    text=(
        "аккаунты создаются в сроки, установленные постановлением Администрации города; "
        "официальные страницы во ВКонтакте и Одноклассниках обязательны "
        "(ст. 10 Федерального закона № 8-ФЗ в ред. № 270-ФЗ, распоряжение Правительства РФ № 2523-р)"
    ),
    party=Party.ORGAN,
    working_days=None,  # the date the resolution sets
    counted_from="постановления Администрации",
    how_to_report="srok account create ... (шаг закрывается, когда аккаунт органа в этой сети создан)",
)
PROTECTION = Clause(
    number="1.6",
    duty="подтвердить защиту аккаунта за квартал",
    text=(
        "аккаунт защищён: включена двухфакторная аутентификация, права доступа одновременно "
        "не более чем у трёх человек, данные для входа хранятся так, что посторонние к ним "
        "не имеют доступа"
    ),
    party=Party.ORGAN,
    working_days=10,  # srok's policy (SROK_PROTECTION_DAYS), not a term of the procedure
    counted_from="начала квартала",
    how_to_report="srok protection confirm --account {account} --on ДАТА ...",
)
WEEKLY_POSTS = Clause(
    number="2.1",
    duty="размещать в аккаунте не менее 8 публикаций в неделю",
    text="размещать в аккаунте не менее восьми публикаций в неделю",
    party=Party.ORGAN,
    working_days=None,  # a finding: told once, on the first working day of the next week
    counted_from="окончания недели",
    how_to_report="srok rules check --account {account}",
)
DESCRIPTION = Clause(
    number="2.4",
    duty="дополнить описание аккаунта",
    text=(
        "в описании аккаунта указать официальное наименование органа, почтовый адрес, "
        "адрес электронной почты (при наличии) и номер телефона для справок"
    ),
    party=Party.ORGAN,
    working_days=None,  # a finding: told once, and again only when it changes
    counted_from="проверки описания",
    how_to_report="srok rules check --account {account}",
)
MODERATION = Clause(
    number="2.5",
    duty="принять решение по комментарию пользователя",
    text=(
        "комментарии и сообщения пользователей анализируются и модерируются; удаляются "
        "нарушающие закон, спам, недостоверные сведения о должностных лицах, ненормативная "
        "лексика, не относящиеся к теме, реклама, персональные данные граждан, просьбы добавить "
        "в друзья, поставить лайк, проголосовать, принять участие в опросе, клевета, "
        "провоцирующие конфликт"
    ),
    party=Party.ORGAN,
    working_days=None,  # a finding: a flagged comment waiting a working day, told once
    counted_from="появления комментария",
    how_to_report="srok moderation decide {comment} removed|kept|user-restricted",
)
# Told once: their step is done when the reminder is queued.
FINDING_CLAUSES = ("2.1", "2.4", "2.5")

CLAUSES: dict[str, Clause] = {
    c.number: c
    for c in (
        NOTICE,
        CHANGE_NOTICE,
        SITE_LINK,
        REGISTRY_ENTRY,
        PUBLICATION,
        REQUIRED_ACCOUNT,
        PROTECTION,
        WEEKLY_POSTS,
        DESCRIPTION,
        MODERATION,
    )
}

# Standing rules, cited by number where they are enforced.
ONE_ACCOUNT_PER_NETWORK = "1.5"
ACCESS_LIMIT = "1.6"
MAX_PEOPLE_WITH_ACCESS = 3


def it_clauses() -> tuple[str, ...]:
    """Return the clauses the IT department owes, whichever organ's account it is."""
    return tuple(number for number, clause in CLAUSES.items() if clause.party is Party.IT)
