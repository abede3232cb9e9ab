"""`srok demo`: the demo city, its deadlines, and three days of sweeps through Prefect."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.app import guard, srok
from domain.dates import ru
from domain.errors import RuleViolation
from flows.local import PrefectServer, choose_server, flow_runs_here

if TYPE_CHECKING:
    from services.app import Srok
    from services.publish import PublishResult
    from services.rules import RuleResult


def demo(
    reset: Annotated[
        bool, typer.Option("--reset", help="Сначала удалить базу SQLite в SROK_HOME.")
    ] = False,
    sweep_days: Annotated[
        int,
        typer.Option(
            "--sweep-days",
            metavar="ДНЕЙ",
            help="Сколько рабочих дней проверить через Prefect (0 — ни одного).",
        ),
    ] = 3,
) -> None:
    """Построить демо-город (вымышленные люди и контакты), показать его сроки, проверить несколько дней."""
    from cli.tables import print_status
    from services.app import Srok
    from services.demo import DEMO_DAY, build_demo
    from services.status import step_views

    with guard(False):
        application = srok()
        url = application.settings.database_url
        if not url.startswith("sqlite:///"):
            raise RuleViolation("SROK_DATABASE_URL", "демо работает только на встроенной SQLite")
        if reset:
            _reset(application.settings.home, url.removeprefix("sqlite:///"))
        application = Srok(
            dataclasses.replace(application.settings, today_override=DEMO_DAY), actor="demo"
        )
        application.init()
        log = build_demo(application)
        with application.transaction() as session:
            views = step_views(session=session, calendar=application.calendar, as_of=DEMO_DAY)
        print_status(views, as_of=DEMO_DAY)
        for line in log.lines:
            print(line)
        _check_links(application)
        _standing_rules(application)
        _moderation(application)
        days: list[date] = []
        day = DEMO_DAY
        while len(days) < sweep_days:
            if application.calendar.is_working(day):
                days.append(day)
            day += timedelta(days=1)
        if days:
            _sweep(days, application.settings.home / "outbox")
        _publish(application, log.published)
        _audit_and_report(application)
        _users(application)
        print(f"\nБаза демо-города: {url.removeprefix('sqlite:///')}")


def _users(application: Srok) -> None:
    from services.demo import DEMO_PASSWORD, add_demo_users

    users = add_demo_users(application)
    home = application.settings.home
    try:
        shown = home.relative_to(Path.cwd())
    except ValueError:
        shown = home
    print(
        f"\nСайт демо-города: выполните  make serve SROK_HOME={shown}  и откройте "
        "http://127.0.0.1:8608 (Prefect UI: http://127.0.0.1:4200)."
    )
    print(f"Войдите (пароль у всех демо-пользователей: {DEMO_PASSWORD}):")
    for login, role, organ in users:
        print(f"  {login:<12} {role}{f' — {organ}' if organ else ''}")
    print(
        "Письма-напоминания в outbox содержат ссылки «Открыть и подтвердить»: "
        "они работают, пока сайт запущен."
    )


def _check_links(application: Srok) -> None:
    from services.demo import LocalSite
    from services.links import run_link_check, set_site_page

    with LocalSite(application.settings.home / "site") as site:
        with application.transaction() as session:
            set_site_page(
                session=session,
                organ_id=3,
                page=site.url("obrazovanie.html"),
                actor="demo",
                today=application.today(),
            )
        report = run_link_check(application, actor="demo", organ_id=3)
    (organ,) = report.organs
    print(
        f"\nПроверка ссылок (п. 1.4) на копии страницы органа «{organ.organ}»: "
        f"найдено {len(organ.found)} (аккаунты {organ.found}), нет ссылки {len(organ.missing)} "
        f"(аккаунты {organ.missing}); копия: {application.settings.home / 'site'}"
    )


def _moderation(application: Srok) -> None:
    """Read the demo accounts' comments on the fake networks and print the queue (п. 2.5)."""
    from services.demo_networks import moderate_demo_city

    report, items = moderate_demo_city(application)
    unread = sorted({a.problem for a in report.accounts if a.problem and a.network == "telegram"})
    print(
        f"\nМодерация комментариев (п. 2.5, srok moderation sync): прочитано "
        f"{report.total('read')} комментариев под {report.total('posts')} публикациями, "
        f"в очереди {len(items)}:"
    )
    for why in unread:
        print(f"  не прочитано — {why}")
    for item in items:
        rules = ", ".join(sorted({f["rule"] for f in item.flags}))
        print(f"  {item.id}. {item.post_url}: «{item.text_masked}» — {rules}")
    print(
        "  Решение: SROK_HOME=var/demo .venv/bin/srok moderation decide ID removed|kept|user-restricted"
    )


def _standing_rules(application: Srok) -> None:
    """Check the demo's accounts on local fake networks (п. 2.1, 2.4) and its site for п. 3.1."""
    from services.demo_networks import check_demo_city

    seen = check_demo_city(application)
    week, results = seen.week, seen.results
    print(
        f"\nПостоянные требования за {week} ({week.in_words()}), спрошены локальные копии "
        "ВКонтакте, Одноклассников, Telegram и MAX (srok rules check):"
    )
    checked = [r for r in results if r.checked]
    print(
        f"  проверено {len(checked)} из {len(results)}, выполнено "
        f"{sum(1 for r in checked if r.ok)}; нарушения и непроверенное:"
    )
    for result in results:
        if not (result.checked and result.ok):
            print(f"  {seen.urls.get(result.account_id, result.account_id)}: {_rule_line(result)}")
    # п. 1.2 (обязательные аккаунты, issue 13 part 2): the required account's finding goes here.
    print(
        "\nАккаунты, о которых не уведомили (п. 3.1), — для ИТ-отдела (srok rules unnotified list):"
    )
    for row, organ in seen.unnotified:
        print(
            f"  {row.id}. {row.url} — ссылка на странице {row.page} ({organ}), "
            f"впервые {row.first_seen_on.strftime('%d.%m.%Y')}"
        )
    if not seen.unnotified:
        print("  не найдено")


def _rule_line(result: RuleResult) -> str:
    if not result.checked:
        return f"п. {result.rule} не проверено — {result.reason}"
    if result.rule == "2.1":
        return (
            f"п. 2.1 — {result.figures['posts']} публикаций за неделю, "
            f"нужно не менее {result.figures['required']}"
        )
    words = {"name": "наименования", "address": "адреса", "email": "эл. почты", "phone": "телефона"}
    missing = ", ".join(words.get(m, m) for m in result.figures.get("missing") or [])
    return f"п. {result.rule} — в описании нет {missing}"


def _publish(application: Srok, published: PublishResult | None) -> None:
    """Say what the demo published: the quarter already over (2026Q4 is not, on 01.12.2026)."""
    if published is None:
        return
    print(
        f"\nРеестр опубликован (п. 3.5) за {published.quarter} {published.published_on}: "
        f"{published.rows} аккаунтов. IV квартал публикуется после его окончания, в январе. "
        f"Откройте {application.settings.home / 'public' / 'current' / 'index.html'}"
    )


def _audit_and_report(application: Srok) -> None:
    from domain.quarter import Quarter
    from services.audit import verify_chain
    from services.compliance import compliance_report, render

    verdict = verify_chain(application.engine)
    print(
        f"\nЖурнал изменений: {'цепочка цела' if verdict.ok else 'ЦЕПОЧКА НАРУШЕНА'}, "
        f"записей {verdict.entries}, последняя SHA-256 {verdict.head_hash[:16]}… "
        "(srok audit verify, srok audit log)"
    )
    reports = application.settings.home / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    with application.transaction() as session:
        report = compliance_report(
            session=session,
            calendar=application.calendar,
            quarter=Quarter.of(application.today()),
            as_of=application.today(),
        )
    path = reports / f"compliance-{report.quarter}.html"
    path.write_bytes(render(report, "html"))
    print(f"Отчёт для заместителя главы: откройте {path}")


def _reset(home: Path, db_path: str) -> None:
    import shutil

    for suffix in ("", "-wal", "-shm"):
        Path(db_path + suffix).unlink(missing_ok=True)
    for folder in ("outbox", "public", "site", "reports"):
        shutil.rmtree(home / folder, ignore_errors=True)


def _sweep(days: list[date], outbox: Path) -> None:
    server = choose_server()
    print(f"\nПроверка сроков через Prefect (поток deadline-sweep) на {len(days)} рабочих дня:")
    print(server.said(), file=sys.stderr)
    for day, result in _swept(server, days):
        print(
            f"  {ru(day)}: по графику {result['due']}, отправлено "
            f"{len(result['sent'])} ({', '.join(f'{k}: {n}' for k, n in sorted(result['by_kind'].items()))})"
        )
    files = sorted(outbox.glob("*.eml"))
    print(f"\nПисьма в {outbox} ({len(files)}), например:")
    for path in files[:8]:
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        print(f"  {path.name}: {mail['Subject']}")


def _swept(server: PrefectServer, days: list[date]) -> Iterator[tuple[date, dict[str, Any]]]:
    """Sweep each day as that day (a sweep never runs ahead of today), one run per day."""
    if server.by_rest and server.api_url:  # reported to the running server, Prefect not imported
        from flows.sweep_by_hand import sweep_by_hand

        for day in days:
            os.environ["SROK_TODAY"] = day.isoformat()
            _, result = sweep_by_hand(
                server.api_url, as_of=day, dry_run=False, tags=["srok", "demo"]
            )
            yield day, result
        return
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect import tags

    from flows.deadline_sweep import deadline_sweep

    with flow_runs_here(server), tags("srok", "demo"):
        for day in days:
            os.environ["SROK_TODAY"] = day.isoformat()
            yield day, deadline_sweep(as_of=day)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
