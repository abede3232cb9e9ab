"""`srok doctor`: find out in one command why tonight's letters did not go.

Each check is a small function returning findings: ok, warning or error, with
Russian words saying what was found and what to do. A check that cannot run
(the database is down) says so instead of raising, so one broken part never
hides the state of the others. The notifier's checks are in
services/doctor_mail.py, Prefect's in services/doctor_prefect.py.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import sqlalchemy as sa

from domain.errors import RuleViolation
from models.tables import Reminder
from services.app import SCHEMA_HEAD, Srok
from services.calendar_source import holidays_year, load_table
from services.signing import SECRET_FILE

Level = Literal["ok", "warning", "error"]
EXIT_CODES: dict[Level, int] = {"ok": 0, "warning": 1, "error": 2}
# The environment variables that hold secrets: their values must not sit in a file others can read.
SECRET_VARIABLES = (
    "SROK_SECRET_KEY",
    "SROK_SMTP_PASSWORD",
    "SROK_EWS_PASSWORD",
    "SROK_EWS_CLIENT_SECRET",
    "SROK_LDAP_BIND_PASSWORD",
    "SROK_VK_TOKEN",
    "SROK_OK_SECRET",
    "SROK_OK_TOKEN",
    "SROK_MAX_TOKEN",
)
# Files larger than this are letters or pages, not settings: not read for secrets.
_SCANNED_BYTES = 256 * 1024
# A queued reminder older than this was not delivered by the last daily run.
QUEUED_TOO_LONG = timedelta(hours=26)
# From this day of the year on, next year's decree is expected (it appears in the autumn).
DECREE_SEASON = (10, 1)


@dataclass(frozen=True)
class Finding:
    """One check's verdict: which, how bad, and in words what was found and what to do."""

    check: str
    level: Level
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"check": self.check, "level": self.level, "text": self.text}


def exit_code(findings: Iterable[Finding]) -> int:
    """0 when all is well, 1 with warnings, 2 with any error."""
    return max((EXIT_CODES[f.level] for f in findings), default=0)


def check_database(app: Srok) -> Finding:
    """The database answers and is at the schema revision this srok expects."""
    try:
        revision = app.schema_revision()
    except RuleViolation as fault:
        return Finding("database", "error", str(fault.message))
    where = app.settings.database_url.split("@")[-1]
    if revision is None:
        return Finding("database", "error", f"база {where} пуста: выполните `srok init`")
    if revision != SCHEMA_HEAD:
        return Finding(
            "database",
            "error",
            f"база {where} на ревизии схемы {revision}, нужна {SCHEMA_HEAD}: "
            "сделайте резервную копию (`srok backup`) и выполните `srok init`",
        )
    return Finding("database", "ok", f"база {where} отвечает, ревизия схемы {revision}")


def check_audit_chain(app: Srok) -> Finding:
    """The audit chain verifies; say how many entries were checked."""
    from services.audit_guard import check_audit

    result = check_audit(app.engine, anchors_path=app.settings.anchors)
    verdict = result.verdict
    if not verdict.ok:
        checked = (verdict.first_bad_id or 1) - 1
        return Finding(
            "audit",
            "error",
            f"цепочка журнала нарушена: записи до № {checked} сверены, дальше — {result.words}; "
            "выполните `srok audit verify` и сообщите заместителю главы (п. 4)",
        )
    if not result.ok:
        return Finding(
            "audit",
            "error",
            f"цепочка журнала цела (записей {verdict.entries}), но: {result.words}; "
            "выполните `srok audit verify` и сообщите заместителю главы (п. 4)",
        )
    if verdict.head_id is None:
        return Finding("audit", "ok", "журнал пуст: записей ещё нет, проверять нечего")
    return Finding(
        "audit",
        "ok",
        f"цепочка журнала цела: проверено записей {verdict.entries}, "
        f"последняя № {verdict.head_id}, сверено с якорями: {result.anchors}",
    )


def check_calendar(calendar_file: Path | None, *, today: date) -> list[Finding]:
    """This year is covered by a decree; from 1 October, next year's too; `holidays` agrees."""
    try:
        table = load_table(calendar_file)
    except RuleViolation as fault:
        return [Finding("calendar", "error", f"{fault}: исправьте файл календаря")]
    findings = []
    year = today.year
    if year in table:
        findings.append(
            Finding("calendar", "ok", f"{year} год по постановлению: {table[year].source}")
        )
    else:
        findings.append(
            Finding(
                "calendar",
                "error",
                f"на {year} год постановление о переносах выходных не загружено: сроки "
                f"предварительные; выполните `srok calendar draft {year}`, сверьте с "
                "постановлением и положите в calendar.toml",
            )
        )
    if (today.month, today.day) >= DECREE_SEASON:
        if year + 1 in table:
            findings.append(Finding("calendar-next", "ok", f"{year + 1} год уже загружен"))
        else:
            findings.append(
                Finding(
                    "calendar-next",
                    "warning",
                    f"постановление на {year + 1} год не загружено (обычно выходит осенью): "
                    f"когда оно выйдет, выполните `srok calendar draft {year + 1}` и добавьте "
                    "год в calendar.toml",
                )
            )
    for covered in sorted(y for y in table if y in (year, year + 1)):
        findings.extend(_holidays_disagree(table[covered].days_off, covered, "days_off"))
        findings.extend(
            _holidays_disagree(table[covered].working_weekends, covered, "working_weekends")
        )
    return findings


def _holidays_disagree(days: frozenset[date], year: int, kind: str) -> list[Finding]:
    theirs = getattr(holidays_year(year), kind)
    differ = sorted(days ^ theirs)
    if not differ:
        return []
    shown = ", ".join(d.strftime("%d.%m.%Y") for d in differ[:5])
    return [
        Finding(
            "calendar-holidays",
            "warning",
            f"{year}: таблица постановлений и пакет holidays расходятся в {len(differ)} "
            f"дн. ({kind}: {shown}); сроки считаются по таблице — сверьте её с постановлением",
        )
    ]


def check_reminders(app: Srok, *, now: datetime) -> Finding:
    """Reminders stuck in `unknown` or `failed`, and the oldest one still queued."""
    table: Any = Reminder.__table__  # type: ignore[attr-defined]
    with app.engine.connect() as conn:
        counts: dict[str, int] = dict(
            conn.execute(sa.select(table.c.state, sa.func.count()).group_by(table.c.state)).all()
        )
        oldest = conn.execute(
            sa.select(sa.func.min(table.c.queued_at)).where(table.c.state == "queued")
        ).scalar()
    problems = []
    if counts.get("unknown"):
        problems.append(f"с неизвестной судьбой (unknown): {counts['unknown']}")
    if counts.get("failed"):
        problems.append(f"не отправлены (failed): {counts['failed']}")
    if isinstance(oldest, str):  # SQLite without the column type's conversion
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    if oldest is not None and now - oldest > QUEUED_TOO_LONG:
        problems.append(f"в очереди с {oldest:%d.%m.%Y %H:%M} UTC")
    sent = counts.get("sent", 0)
    if problems:
        return Finding(
            "reminders",
            "warning",
            "напоминания: "
            + "; ".join(problems)
            + ". Выполните `srok outbox list --state failed` и `srok outbox retry`",
        )
    queued = counts.get("queued", 0)
    return Finding("reminders", "ok", f"напоминаний отправлено {sent}, в очереди {queued}")


def check_secret_key(home: Path, env: Mapping[str, str]) -> Finding:
    """The web app's secret key exists and only its owner may read it."""
    if env.get("SROK_SECRET_KEY"):
        return Finding("secret-key", "ok", "ключ подписи задан в SROK_SECRET_KEY")
    path = home / SECRET_FILE
    if not path.is_file():
        return Finding(
            "secret-key",
            "warning",
            f"ключа подписи {path} нет: его создаст первый запуск `srok web`; "
            "пока его нет, ссылки в письмах не подписаны",
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return Finding(
            "secret-key",
            "error",
            f"ключ подписи {path} доступен не только владельцу (права {mode:o}): "
            f"выполните `chmod 600 {path}`",
        )
    if not _on_this_host(env.get("PREFECT_API_URL", "")):
        # The sweep signs the letters' links on the worker's host, the web app checks them on
        # its own: a key generated on each host makes every link from another host «повреждена».
        return Finding(
            "secret-key",
            "warning",
            f"ключ подписи {path} создан на этом хосте, а сервер Prefect на другом: ссылки в "
            "письмах, подписанные на одном хосте, не откроются на другом; задайте один и тот же "
            "SROK_SECRET_KEY в secrets.env на всех хостах (deploy/README.md, раздел 6)",
        )
    return Finding("secret-key", "ok", f"ключ подписи {path}, права {mode:o}")


def _on_this_host(api_url: str) -> bool:
    """Tell whether the Prefect API is local (one machine) or unset."""
    host = urlsplit(api_url).hostname if api_url else None
    return host in (None, "", "127.0.0.1", "localhost", "::1")


def check_readable_secrets(home: Path, env: Mapping[str, str]) -> Finding:
    """No file under $SROK_HOME that anyone may read holds a password or a key."""
    values = [env[name].encode() for name in SECRET_VARIABLES if len(env.get(name, "")) >= 6]
    exposed = []
    for path in _files(home):
        mode = stat.S_IMODE(path.stat().st_mode)
        if not mode & stat.S_IROTH:
            continue
        name = path.name.lower()
        if name == SECRET_FILE or "password" in name or name.endswith(".env"):
            exposed.append(path)
            continue
        if values and path.stat().st_size <= _SCANNED_BYTES:
            try:
                content = path.read_bytes()
            except OSError:
                continue
            if any(v in content for v in values) or b"PASSWORD=" in content:
                exposed.append(path)
    if exposed:
        shown = ", ".join(str(p) for p in exposed[:5])
        return Finding(
            "readable-secrets",
            "error",
            f"файлы с паролем или ключом доступны всем на чтение: {shown}; "
            "выполните `chmod o-r` для каждого и смените пароль",
        )
    return Finding("readable-secrets", "ok", f"в {home} нет доступных всем файлов с паролями")


def _files(home: Path) -> Iterable[Path]:
    """Every regular file under ``home``, but not the letters and pages (many, and public)."""
    skip = {"outbox", "public", "site", "prefect"}
    for root, folders, files in os.walk(home):
        folders[:] = [f for f in folders if not (Path(root) == home and f in skip)]
        for name in files:
            path = Path(root) / name
            if path.is_file() and not path.is_symlink():
                yield path


def run_doctor(
    app: Srok,
    *,
    now: datetime,
    env: Mapping[str, str],
    extra: Iterable[Callable[[], list[Finding]]] = (),
) -> list[Finding]:
    """Run every check; the database's dependants only when it is at the head."""
    database = check_database(app)
    findings = [database]
    if database.level == "ok":
        findings.extend(_guarded("audit", lambda: [check_audit_chain(app)]))
        findings.extend(_guarded("reminders", lambda: [check_reminders(app, now=now)]))
    findings.extend(check_calendar(app.settings.calendar_file, today=app.today()))
    findings.append(check_secret_key(app.settings.home, env))
    findings.append(check_readable_secrets(app.settings.home, env))
    for check in extra:
        findings.extend(check())
    return findings


def _guarded(name: str, check: Callable[[], list[Finding]]) -> list[Finding]:
    """Run a check; a fault of the environment becomes its error, never a traceback."""
    try:
        return check()
    except sa.exc.DBAPIError as error:
        from services.app import database_fault

        return [Finding(name, "error", database_fault(error).message)]
    except RuleViolation as fault:
        return [Finding(name, "error", fault.message)]
