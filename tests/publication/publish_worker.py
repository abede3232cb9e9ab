"""Build a registry in a given insertion order and publish it, in a process of its own.

Usage: python -m tests.publication.publish_worker TEMPLATE HOME OUT ORDER_SEED
TEMPLATE is a migrated SQLite file copied to HOME/srok.db when HOME has none
(ORDER_SEED then shuffles the order in which organs and accounts are written);
OUT is the folder to publish into. The test runs it under different
PYTHONHASHSEEDs, so that any order taken from a set or a dict of strings, or
from the database's insertion order, shows as different bytes.
"""

from __future__ import annotations

import random
import shutil
import sys
from datetime import date
from pathlib import Path

from sqlmodel import Session

from domain.deadlines import DateRule
from models.db import make_engine
from services.accounts import add_organ, change_account, create_account
from services.calendar_source import build_calendar
from services.events import record_notice, record_registry_entry
from services.publish import finish, publish

TODAY = date(2026, 12, 1)
PUBLISHED_ON = date(2027, 1, 20)  # a quarter is published after it ends (п. 3.5)
ORGANS = [f"Комитет № {n:02d} Администрации города Новоалтайска" for n in range(12)]
NETWORKS = {"vk": "https://vk.com/{}", "ok": "https://ok.ru/{}", "telegram": "https://t.me/{}"}


def build(session: Session, seed: int) -> None:
    calendar = build_calendar(None)
    rng = random.Random(seed)
    organs = ORGANS[:]
    rng.shuffle(organs)
    ids = {
        name: add_organ(session=session, name=name, actor="t", today=TODAY).id or 0
        for name in organs
    }
    accounts = [(o, net) for o in ORGANS for net in NETWORKS]
    rng.shuffle(accounts)
    for name, net in accounts:
        handle = f"org{ORGANS.index(name):02d}_{net}"
        created = date(2026, 10, 1 + ORGANS.index(name))
        a = create_account(
            session=session,
            calendar=calendar,
            organ_id=ids[name],
            network_code=net,
            url=NETWORKS[net].format(handle),
            created_on=created,
            specialist_ids=[],
            actor="t",
            today=TODAY,
        )
        aid = a.id or 0
        for notice, entry in ((date(2026, 10, 20), date(2026, 10, 23)),):
            record_notice(
                session=session,
                calendar=calendar,
                account_id=aid,
                on=notice,
                received_on=None,
                actor="t",
                today=TODAY,
            )
            record_registry_entry(
                session=session,
                calendar=calendar,
                account_id=aid,
                on=entry,
                rule=DateRule.ART_193,
                actor="t",
                today=TODAY,
            )
        if net == "vk" and ORGANS.index(name) % 3 == 0:  # some have an earlier address
            change_account(
                session=session,
                calendar=calendar,
                account_id=aid,
                changed_on=date(2026, 11, 2),
                url=NETWORKS[net].format(handle + "_new"),
                specialist_ids=None,
                actor="t",
                today=TODAY,
            )
            record_notice(
                session=session,
                calendar=calendar,
                account_id=aid,
                on=date(2026, 11, 3),
                received_on=None,
                actor="t",
                today=TODAY,
            )
            record_registry_entry(
                session=session,
                calendar=calendar,
                account_id=aid,
                on=date(2026, 11, 5),
                rule=DateRule.ART_193,
                actor="t",
                today=TODAY,
            )


def main() -> None:
    template, home, out, seed = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
    database = home / "srok.db"
    fresh = not database.exists()
    if fresh:
        home.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, database)
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine, expire_on_commit=False) as session:
        if fresh:
            build(session, int(seed))
            session.commit()
        result = publish(
            session=session,
            calendar=build_calendar(None),
            quarter_text="2026Q4",
            on=PUBLISHED_ON,
            out=out,
            rule=DateRule.ART_193,
            actor="t",
            today=PUBLISHED_ON,
        )
        session.commit()
    finish(out, result)
    engine.dispose()
    print(result.rows)


if __name__ == "__main__":
    main()
