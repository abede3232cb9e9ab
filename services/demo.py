"""The demo city: Novoaltaisk's Administration and organs, their accounts, a few weeks of events.

Every person and contact here is invented (phones +7 000 ..., emails at
example.invalid; the organs' enquiry phone 8 (38532) 0-00-00 is in the city's
code, which п. 2.4's phone reader needs, but no local number begins with 0). Some deadlines are met, some are missed, one account changes
its address and one has its fourth access holder refused, so that every state
of the lifecycle shows in the status table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from domain.errors import RuleViolation
from domain.standing import DEFAULT_PROTECTION_DAYS, ProtectionAnswer
from services.accounts import (
    add_organ,
    add_specialist,
    change_account,
    create_account,
    grant_access,
)
from services.app import Srok
from services.events import record_link, record_notice, record_registry_entry
from services.protection import confirm_protection, open_protection_steps
from services.publish import PublishResult, finish, publish
from services.required import add_required

DEMO_DAY = date(2026, 12, 1)
ACTOR = "demo"
ORGAN_PHONE = "8 (38532) 0-00-00"  # a valid form, a number no one has
SITE = "https://novoaltaysk.ru"  # the city site; pages below are illustrative

ORGANS = [
    ("Администрация города Новоалтайска", "admin"),
    ("Комитет по культуре Администрации города Новоалтайска", "kultura"),
    ("Комитет по образованию Администрации города Новоалтайска", "obrazovanie"),
    ("Комитет по физической культуре и спорту Администрации города Новоалтайска", "sport"),
    ("Отдел по делам молодёжи Администрации города Новоалтайска", "molodezh"),
]
SPECIALISTS = [
    ("Тестова Анна Сергеевна", "главный специалист"),
    ("Примеров Пётр Ильич", "ведущий специалист"),
    ("Образцова Мария Олеговна", "специалист 1 категории"),
    ("Условный Иван Петрович", "главный специалист"),
    ("Макетова Ольга Юрьевна", "ведущий специалист"),
]
# organ index, network, address, created on, specialists (indexes)
ACCOUNTS = [
    (0, "vk", "https://vk.com/novoaltaysk_demo", date(2026, 9, 14), [0]),
    (0, "telegram", "https://t.me/novoaltaysk_demo", date(2026, 9, 14), [0]),
    (0, "max", "https://max.ru/novoaltaysk_demo", date(2026, 11, 16), [0]),
    (1, "vk", "https://vk.com/kultura_nvl_demo", date(2026, 10, 12), [1]),
    (1, "ok", "https://ok.ru/kultura_nvl_demo", date(2026, 11, 2), [1]),
    (1, "rutube", "https://rutube.ru/channel/kultura_nvl_demo", date(2026, 11, 25), [1]),
    (2, "vk", "https://vk.com/obrazovanie_nvl_demo", date(2026, 11, 9), [2]),
    (2, "dzen", "https://dzen.ru/obrazovanie_nvl_demo", date(2026, 11, 24), [2]),
    (3, "vk", "https://vk.com/sport_nvl_demo", date(2026, 10, 19), [3]),
    (3, "telegram", "https://t.me/sport_nvl_demo", date(2026, 11, 26), [3]),
    (4, "vk", "https://vk.com/molodezh_nvl_demo", date(2026, 11, 10), [4]),
]


@dataclass
class DemoLog:
    lines: list[str]
    published: PublishResult | None = None

    def say(self, text: str) -> None:
        self.lines.append(text)


def _page(organ_code: str) -> str:
    return f"{SITE}/{organ_code}"


def build_demo(app: Srok) -> DemoLog:
    """Fill an empty, initialised database with the demo city as of DEMO_DAY."""
    log = DemoLog([])
    cal = app.calendar
    rule = app.settings.publication_rule

    def tx(action: Callable[..., Any], **kwargs: Any) -> Any:
        with app.transaction() as session:
            return action(session=session, actor=ACTOR, today=DEMO_DAY, **kwargs)

    organs = [
        tx(
            add_organ,
            name=name,
            email=f"{code}@example.invalid",
            phone=ORGAN_PHONE,
            head_email=f"{code}-head@example.invalid",
            address="658080, Алтайский край, г. Новоалтайск (адрес для демонстрации)",
        )
        for name, code in ORGANS
    ]
    people = [
        tx(
            add_specialist,
            organ_id=organs[i].id,
            name=name,
            position=position,
            phone=f"+7 000 000-01-{i:02d}",
            email=f"specialist{i}@example.invalid",
        )
        for i, (name, position) in enumerate(SPECIALISTS)
    ]
    accounts = [
        tx(
            create_account,
            calendar=cal,
            organ_id=organs[o].id,
            network_code=net,
            url=url,
            created_on=created,
            specialist_ids=[people[s].id for s in spec],
        )
        for o, net, url, created, spec in ACCOUNTS
    ]
    ids = [a.id for a in accounts]
    log.say(f"Создано органов: {len(organs)}, специалистов: {len(people)}, аккаунтов: {len(ids)}.")

    def notice(i: int, on: date, received: date | None = None) -> None:
        tx(record_notice, calendar=cal, account_id=ids[i], on=on, received_on=received)

    def entered(i: int, on: date) -> None:
        tx(record_registry_entry, calendar=cal, account_id=ids[i], on=on, rule=rule)

    def link(i: int, on: date) -> None:
        tx(record_link, account_id=ids[i], on=on, page=_page(ORGANS[ACCOUNTS[i][0]][1]))

    # September: the Administration's accounts, all on time, published for Q3.
    for i in (0, 1):
        notice(i, date(2026, 9, 15))
        link(i, date(2026, 9, 18))
        entered(i, date(2026, 9, 21))
    # Published after the quarter ended, as п. 3.5 asks: the files, not only the record.
    public = app.settings.home / "public"
    log.published = tx(
        publish,
        calendar=cal,
        quarter_text="2026Q3",
        on=date(2026, 10, 20),
        out=public,
        rule=rule,
    )
    finish(public, log.published)
    # October-November: a mix of punctual and late organs.
    notice(3, date(2026, 10, 19), date(2026, 10, 20))  # late: due 15.10
    link(3, date(2026, 10, 16))
    entered(3, date(2026, 10, 29))  # late: due 27.10
    notice(8, date(2026, 10, 21))
    entered(8, date(2026, 10, 26))
    notice(4, date(2026, 11, 5))
    link(4, date(2026, 11, 6))
    entered(4, date(2026, 11, 11))
    notice(6, date(2026, 11, 11))
    notice(10, date(2026, 11, 12))
    link(10, date(2026, 11, 13))
    entered(10, date(2026, 11, 18))
    # The youth department renames its community: a п. 3.2 change, reported late.
    tx(
        change_account,
        calendar=cal,
        account_id=ids[10],
        changed_on=date(2026, 11, 20),
        url="https://vk.com/molodezh_novoaltaysk_demo",
        specialist_ids=None,
    )
    notice(10, date(2026, 11, 30))
    notice(2, date(2026, 11, 18))
    entered(2, date(2026, 11, 23))
    notice(7, date(2026, 11, 26))
    # п. 1.6: three people run the Administration's VK; a fourth is refused.
    for person in ("Тестова А. С.", "Примеров П. И.", "Пресс-секретарь (демо)"):
        tx(grant_access, account_id=ids[0], person=person, on=date(2026, 9, 14))
    try:
        tx(grant_access, account_id=ids[0], person="Стажёр (демо)", on=date(2026, 11, 2))
    except RuleViolation as refused:
        log.say(f"Отказано, как и положено: {refused}")
    # п. 1.2 and 8-ФЗ: the Administration must have an Odnoklassniki page too; a
    # resolution set the date, and the account has not been created yet.
    required = tx(
        add_required,
        organ_id=organs[0].id,
        network="ok",
        resolution_number="1520 (демо)",
        resolution_date=date(2026, 10, 12),
        due=date(2026, 11, 30),
    )
    log.say(
        f"Записано требование № {required.id} (п. 1.2): Администрации создать аккаунт "
        "в Одноклассниках до 30.11.2026 — аккаунт ещё не создан."
    )
    # п. 1.6 each quarter: every specialist confirmed the protection, except the sports
    # committee's VK community, which is past its term (srok's policy: 10 working days).
    for i, (_, _, _, created, _) in enumerate(ACCOUNTS):
        if i != 8:
            tx(
                confirm_protection,
                calendar=cal,
                account_id=ids[i],
                answer=ProtectionAnswer(True, 1, "сейф в кабинете органа (демо)"),
                on=max(created, date(2026, 10, 5)),
                quarter=None,
                working_days=DEFAULT_PROTECTION_DAYS,
            )
    with app.transaction() as session:  # what the first sweep would open
        open_protection_steps(
            session=session, calendar=cal, as_of=DEMO_DAY, working_days=DEFAULT_PROTECTION_DAYS
        )
    log.say(
        f"Защита аккаунтов (п. 1.6) за IV кв. подтверждена, кроме аккаунта {ids[8]}: "
        "срок подтверждения (правило srok: 10 рабочих дней) истёк."
    )
    log.say("Записаны уведомления, внесения в Реестр, ссылки на сайте и публикация за III кв.")
    return log


# A copy of the education committee's page on the city site: it links the VK
# community (as m.vk.com, with a slash) but not yet the Dzen channel.
EDUCATION_PAGE = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>Комитет по образованию — сайт города (копия)</title></head>
<body><nav><ul><li><a href="/">Главная</a></li><li><a href="/obrazovanie">Комитет по образованию</a></li></ul></nav>
<main><h1>Комитет по образованию</h1><p>Мы в социальных сетях:</p>
<table><tr><th>Сеть</th><th>Адрес</th></tr>
<tr><td>ВКонтакте</td><td><a href="https://m.vk.com/obrazovanie_nvl_demo/">vk.com/obrazovanie_nvl_demo</a></td></tr>
</table></main></body></html>
"""


class LocalSite:
    """Serve a folder on 127.0.0.1 for the demo's link check (the city site is not reachable)."""

    def __init__(self, folder: Path) -> None:
        import functools
        import threading
        from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

        class Quiet(SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return None

        folder.mkdir(parents=True, exist_ok=True)
        (folder / "obrazovanie.html").write_text(EDUCATION_PAGE, encoding="utf-8")
        self.server = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder))
        )
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, name: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/{name}"

    def __enter__(self) -> LocalSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


DEMO_PASSWORD = "srok-demo-608"  # the demo city's only password; invented people, local use
DEMO_USERS = [
    ("it", "it", None),
    ("head", "head", None),
    ("admin", "admin", None),
    ("kultura", "specialist", 1),  # index into ORGANS and SPECIALISTS
    ("obrazovanie", "specialist", 2),
]


def add_demo_users(app: Srok) -> list[tuple[str, str, str | None]]:
    """Give the demo city a user of every role; return (login, role, organ name)."""
    from sqlmodel import select

    from models.tables import Organ, Specialist
    from services.users import ROLES, add_user

    made = []
    with app.transaction() as session:
        for login, role, index in DEMO_USERS:
            organ = specialist = None
            if index is not None:
                organ = session.exec(select(Organ).where(Organ.name == ORGANS[index][0])).one()
                specialist = session.exec(
                    select(Specialist).where(Specialist.full_name == SPECIALISTS[index][0])
                ).one()
            add_user(
                session=session,
                login=login,
                role=role,
                password=DEMO_PASSWORD,
                organ_id=organ.id if organ else None,
                specialist_id=specialist.id if specialist else None,
                actor=ACTOR,
            )
            made.append((login, ROLES[role], organ.name if organ else None))
    return made
