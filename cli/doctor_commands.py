"""`srok doctor`: every check of the installation in one command (services/doctor.py)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import typer

from cli.app import JsonFlag, guard, srok
from cli.output import emit

LABELS = {"ok": "[ок]      ", "warning": "[внимание]", "error": "[ошибка]  "}
# What each check is called for people; JSON keeps the ids for monitoring.
TITLES = {
    "database": "база данных",
    "audit": "журнал",
    "reminders": "напоминания",
    "calendar": "календарь",
    "calendar-next": "календарь на следующий год",
    "calendar-holidays": "календарь и holidays",
    "secret-key": "ключ подписи",
    "readable-secrets": "пароли в файлах",
    "notifier": "почта",
    "prefect": "Prefect",
    "deployments": "развёртывания",
    "schedules": "расписания",
    "worker": "обработчик",
    "sweep": "последняя проверка сроков",
}


def doctor(as_json: JsonFlag = False) -> None:
    """Проверить установку: база, журнал, календарь, почта, Prefect, напоминания, ключи.

    Код выхода 0 — всё в порядке, 1 — есть предупреждения, 2 — есть ошибки.
    """
    from services.doctor import exit_code, run_doctor
    from services.doctor_mail import check_notifier
    from services.doctor_prefect import check_prefect

    env = dict(os.environ)
    now = datetime.now(UTC)
    try:
        with guard(as_json):
            application = srok()
            findings = run_doctor(
                application,
                now=now,
                env=env,
                extra=[
                    lambda: check_notifier(application.settings.home, env),
                    lambda: check_prefect(env, now=now),
                ],
            )
    except typer.Exit as stopped:
        # Doctor's codes are for monitoring: 1 means warnings only, so a doctor that could
        # not even run (a home it cannot make, a fault of the environment) is an error, 2.
        raise typer.Exit(2 if stopped.exit_code else 0) from None
    code = exit_code(findings)
    emit(
        {"exit_code": code, "checks": [f.as_dict() for f in findings]},
        as_json=as_json,
        human="\n".join(
            f"{LABELS[f.level]} {TITLES.get(f.check, f.check)}: {f.text}" for f in findings
        ),
    )
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
