"""The deadline sweep at city scale, on SQLite, with Prefect's overhead apart.

1. Generate a city of ACCOUNTS accounts (7 networks per organ), each with its
   creation cycle and four steps in every state, written in bulk.
2. Time the sweep's own work: judge every open step and queue the day's
   reminders (plan_reminders), without delivery. The issue's floor: < 10 s.
3. Time the same through the Prefect flow (dry run), and report the overhead.
4. Deliver a batch to a local SMTP server (aiosmtpd) and report messages/s.

5. Sweep BENCH_DAYS (20) working days in a row: the daily cost as history grows.

Usage: python benchmarks/sweep_bench.py [ACCOUNTS]   (default 100000; `make bench`
passes 300000 when BENCH_LARGE=1). Everything it writes goes into one temporary
folder, removed when it ends.
"""

from __future__ import annotations

import dataclasses
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import sqlalchemy as sa

from domain.calendar import WorkingCalendar
from domain.lifecycle import publication_deadline
from models.tables import Account, AccountSpecialist, Cycle, Organ, Specialist, Step, utcnow
from services.app import Srok
from services.reminders import PlanReport, plan_reminders
from services.settings import Settings

AS_OF = date(2026, 12, 1)
NETWORKS = ("vk", "ok", "telegram", "max", "rutube", "dzen", "other")
DOMAINS = {
    "vk": "vk.com",
    "ok": "ok.ru",
    "telegram": "t.me",
    "max": "max.ru",
    "rutube": "rutube.ru",
    "dzen": "dzen.ru",
    "other": "example.org",
}


def generate(app: Srok, accounts: int, seed: int = 608) -> None:
    """Write a city in bulk: organs, a specialist each, accounts, cycles and steps."""
    rng = random.Random(seed)
    cal: WorkingCalendar = app.calendar
    now = utcnow()
    organs = (accounts + len(NETWORKS) - 1) // len(NETWORKS)
    rows: dict[str, list[dict[str, object]]] = {
        k: [] for k in ("organ", "specialist", "account", "link", "cycle", "step")
    }
    for o in range(1, organs + 1):
        rows["organ"].append(
            {
                "id": o,
                "name": f"Орган {o}",
                "name_key": f"орган {o}",
                "email": f"organ{o}@example.invalid",
                "head_email": f"head{o}@example.invalid",
                "created_at": now,
            }
        )
        rows["specialist"].append(
            {
                "id": o,
                "organ_id": o,
                "full_name": f"Специалист {o}",
                "position": "специалист",
                "phone": "+7 000 000-00-00",
                "email": f"s{o}@example.invalid",
                "created_at": now,
            }
        )
    step_id = 0
    for a in range(1, accounts + 1):
        organ = (a - 1) // len(NETWORKS) + 1
        net = NETWORKS[(a - 1) % len(NETWORKS)]
        created = AS_OF - timedelta(days=rng.randint(0, 60))
        key = net if net != "other" else f"other:{DOMAINS[net]}"
        rows["account"].append(
            {
                "id": a,
                "organ_id": organ,
                "network": net,
                "network_key": key,
                "url": f"https://{DOMAINS[net]}/a{a}",
                "created_on": created,
                "active": True,
                "created_at": now,
            }
        )
        rows["link"].append({"account_id": a, "specialist_id": organ, "since": created})
        rows["cycle"].append(
            {
                "id": a,
                "account_id": a,
                "kind": "creation",
                "occurred_on": created,
                "summary": "создан",
                "created_at": now,
            }
        )
        notice_due = cal.add_working_days(created, 3)
        link_due = cal.add_working_days(created, 5)
        notice_done = notice_due - timedelta(days=1) if rng.random() < 0.6 else None
        if notice_done and notice_done > AS_OF:
            notice_done = None
        entry_due = cal.add_working_days(notice_done, 5) if notice_done else None
        entry_done = entry_due if entry_due and entry_due <= AS_OF and rng.random() < 0.7 else None
        pub_due = publication_deadline(cal, entered_on=entry_done).due if entry_done else None
        link_done = link_due if link_due <= AS_OF and rng.random() < 0.5 else None
        for clause, due, done in (
            ("3.1", notice_due, notice_done),
            ("1.4", link_due, link_done),
            ("3.4", entry_due, entry_done),
            ("3.5", pub_due, None),
        ):
            step_id += 1
            rows["step"].append(
                {
                    "id": step_id,
                    "cycle_id": a,
                    "account_id": a,
                    "clause": clause,
                    "counted_from": created if due else None,
                    "due": due,
                    "provisional": False,
                    "explanation": "счёт по ГК РФ ст. 191",
                    "calendar_version": cal.version,
                    "done_on": done,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    tables = {
        "organ": Organ,
        "specialist": Specialist,
        "account": Account,
        "link": AccountSpecialist,
        "cycle": Cycle,
        "step": Step,
    }
    with app.engine.begin() as conn:
        for name, model in tables.items():
            table = model.__table__  # type: ignore[attr-defined]
            batch = rows[name]
            for i in range(0, len(batch), 5000):
                conn.execute(sa.insert(table), batch[i : i + 5000])


def timed(fn):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def cpu_timed(fn):  # type: ignore[no-untyped-def]
    """Wall and CPU seconds: on a shared machine the CPU time is the figure that holds."""
    cpu = time.process_time()
    result, wall = timed(fn)
    return result, wall, time.process_time() - cpu


def main() -> None:
    accounts = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    days = int(os.environ.get("BENCH_DAYS") or 20)
    history_accounts = int(os.environ.get("BENCH_HISTORY_ACCOUNTS") or 20_000)
    # Everything it writes (the cities, Prefect's temporary server database) goes into one
    # temporary folder, removed at the end even on failure: a run used to leave 0.6 GB.
    with tempfile.TemporaryDirectory(prefix="srok-bench-") as scratch:
        os.environ["PREFECT_HOME"] = str(Path(scratch) / "prefect")
        os.environ.pop("PREFECT_API_URL", None)
        os.environ["PREFECT_PORT"] = "1"  # never a developer's server: a temporary one
        app = city(Path(scratch) / "city", accounts)
        try:
            one_day(app, accounts)
            deliver_bench(app)
        finally:
            app.close()
        if days > 1:
            app = city(Path(scratch) / "history", history_accounts)
            try:
                history(app, days)
            finally:
                app.close()


def city(home: Path, accounts: int) -> Srok:
    """Generate a city of ``accounts`` accounts in ``home`` (SROK_HOME, for the flow too)."""
    os.environ["SROK_HOME"] = str(home)
    app = Srok(dataclasses.replace(Settings.from_env(), today_override=AS_OF))
    app.init()
    _, gen = timed(lambda: generate(app, accounts))
    print(f"generated {accounts} accounts ({accounts * 4} steps) on SQLite in {gen:.1f} s")
    return app


def sweep(app: Srok, *, dry: bool = False, on: date = AS_OF) -> PlanReport:
    """The sweep's own work: judge every open step and queue the day's reminders (one transaction)."""
    with app.transaction() as session:
        return plan_reminders(
            session=session,
            calendar=app.calendar,
            as_of=on,
            it_mailbox="it@example.invalid",
            dry_run=dry,
        )


def one_day(app: Srok, accounts: int) -> None:
    _, dry_s, dry_cpu = cpu_timed(lambda: sweep(app, dry=True))
    real, real_s, real_cpu = cpu_timed(lambda: sweep(app))
    again, again_s, again_cpu = cpu_timed(lambda: sweep(app))
    print(f"open steps judged: {real.open_steps}, reminders due: {real.due} {real.by_kind}")
    print("seconds, wall / CPU of this process:")
    print(f"sweep, evaluate only (dry run):          {dry_s:6.2f} / {dry_cpu:5.2f}")
    print(
        f"sweep, evaluate and queue:               {real_s:6.2f} / {real_cpu:5.2f}  (floor: < 10 s "
        f"at 300,000 accounts; linear estimate {real_s * 300_000 / accounts:.1f} s wall, "
        f"{real_cpu * 300_000 / accounts:.1f} s CPU; BENCH_LARGE=1 measures it)"
    )
    print(
        f"second sweep the same day (queues {again.queued}):  {again_s:6.2f} / {again_cpu:5.2f}  "
        f"= {100 * again_s / real_s:.0f} % of the first's wall, {100 * again_cpu / real_cpu:.0f} % "
        "of its CPU (floor: < 20 %)"
    )

    from flows.deadline_sweep import deadline_sweep
    from flows.local import choose_server, flow_runs_here

    with flow_runs_here(choose_server()):
        deadline_sweep(as_of=AS_OF, dry_run=True)  # the first flow of a process starts a server
        _, flow_s = timed(lambda: deadline_sweep(as_of=AS_OF, dry_run=True))
    print(
        f"the same dry run as a Prefect flow:      {flow_s:6.2f} s  "
        f"(Prefect overhead {flow_s - dry_s:+.2f} s, with its report task)"
    )


def history(app: Srok, days: int) -> None:
    """Sweep ``days`` working days in a row on one city: the daily cost as history grows.

    More steps fall overdue day by day, so the days do not queue the same number of
    reminders: the cost is compared per thousand reminders queued.
    """
    from sqlalchemy import event

    audit_cpu = [0.0]  # CPU in the audit chain's INSERT (its unique hash indexes), this day

    @event.listens_for(app.engine, "before_cursor_execute")
    def _started(conn, cursor, statement, parameters, context, many):  # type: ignore[no-untyped-def]
        conn.info["bench_cpu"] = time.process_time()

    @event.listens_for(app.engine, "after_cursor_execute")
    def _ended(conn, cursor, statement, parameters, context, many):  # type: ignore[no-untyped-def]
        if statement.startswith("INSERT INTO audit_entry"):
            audit_cpu[0] += time.process_time() - conn.info["bench_cpu"]

    day, walls, cpus, counts, audits = AS_OF, [], [], [], []
    for _ in range(days):
        audit_cpu[0] = 0.0
        report, wall, cpu = cpu_timed(lambda: sweep(app, on=day))  # noqa: B023 (called at once)
        walls.append(wall)
        cpus.append(cpu)
        audits.append(audit_cpu[0])
        counts.append(max(report.queued, 1))
        day = app.calendar.add_working_days(day, 1)
    half = days // 2
    print(
        f"{days} working days in a row ({sum(counts)} reminders queued in all, "
        f"{counts[0]} on the first day, {counts[-1]} on the last); median sweep:"
    )
    for name, costs in (("wall", walls), ("CPU", cpus), ("CPU in the audit INSERT", audits)):
        per = [1000 * c / n for c, n in zip(costs, counts, strict=True)]
        early, late = statistics.median(per[:half]), statistics.median(per[half:])
        print(
            f"  {name} {statistics.median(costs[:half]):.2f} s a day over the first {half} "
            f"days, {statistics.median(costs[half:]):.2f} s over the last {days - half}; "
            f"per 1,000 reminders {early:.3f} s, then {late:.3f} s (last/first {late / early:.2f}; "
            "flat is about 1)"
        )


def deliver_bench(app: Srok, count: int = 500) -> None:
    """Deliver `count` queued reminders to a local aiosmtpd server; report messages per second."""
    import socket

    from aiosmtpd.controller import Controller

    from notifications.smtp import SmtpConfig, SmtpNotifier
    from services.delivery import deliver

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            Sink.received += 1
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with app.engine.begin() as conn:
            conn.exec_driver_sql(
                f"UPDATE reminder SET state = 'failed' WHERE id NOT IN "
                f"(SELECT id FROM reminder ORDER BY id LIMIT {count})"
            )
        notifier = SmtpNotifier(SmtpConfig(host="127.0.0.1", port=port, security="none"))
        report, seconds = timed(
            lambda: deliver(engine=app.engine, notifier=notifier, sender="srok@example.invalid")
        )
    finally:
        controller.stop()
    print(
        f"delivery to local SMTP: {len(report.sent)} messages in {seconds:.2f} s = "
        f"{len(report.sent) / seconds:.0f} messages/s (claim, render, send, record each)"
    )


if __name__ == "__main__":
    main()
