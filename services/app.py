"""Wire settings, database and calendar together: the one place commands and flows start from."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.errors import EnvironmentFault, RuleViolation
from models import triggers
from models.db import make_engine, migrate, transaction
from services.audit import default_actor
from services.calendar_source import build_calendar
from services.files import file_fault
from services.settings import Settings

# The newest migration; tests/models check it matches models/migrations.
SCHEMA_HEAD = "0013_moderation"


def database_fault(error: sa.exc.DBAPIError) -> EnvironmentFault:
    """Say what is wrong with the database itself, rather than advise `srok init`."""
    text = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    lowered = text.lower()
    if "not a database" in lowered or "malformed" in lowered:
        why = "файл базы повреждён или это не база SQLite"
    elif "readonly" in lowered or "read-only" in lowered or "permission denied" in lowered:
        why = "нет прав на запись в базу или её папку"
    elif "unable to open" in lowered:
        why = "не удаётся открыть файл базы (нет папки или прав на неё)"
    elif "connection" in lowered or "could not translate host" in lowered or "timeout" in lowered:
        why = "сервер базы данных недоступен"
    else:
        why = "база данных отказала"
    return EnvironmentFault("SROK_DATABASE_URL", f"{why}: {text}")


@dataclass
class Srok:
    """The application: settings, a lazily made engine and calendar, and transactions."""

    settings: Settings = field(default_factory=Settings.from_env)
    actor: str | None = None  # who the audit trail names: --actor, a flow run, or the OS user
    restored_triggers: list[str] = field(default_factory=list, init=False)  # by the last init
    upgraded_from: str | None = field(default=None, init=False)  # the last init's old revision

    @cached_property
    def engine(self) -> sa.Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return build_calendar(self.settings.calendar_file)

    def today(self) -> date:
        return self.settings.today()

    def close(self) -> None:
        """Close the engine's connections, if one was made."""
        if "engine" in self.__dict__:
            self.engine.dispose()

    def sqlite_file(self) -> Path | None:
        """The SQLite database file, or None for PostgreSQL or an in-memory database."""
        url = sa.engine.make_url(self.settings.database_url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        database = url.database or ""
        if url.query.get("uri") == "true":  # sqlite:///file:/path/srok.db?mode=ro&uri=true
            database = database.removeprefix("file:")
        return Path(database)

    def init(self) -> str:
        """Create or upgrade the schema; return the revision it is at."""
        path = self.sqlite_file()
        for folder in [self.settings.home] + ([path.parent] if path else []):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise file_fault(error, "SROK_HOME") from None
        from models.db import current_revision

        self.upgraded_from = current_revision(self.engine)
        migrate(self.engine)
        self.restored_triggers = triggers.restore(self.engine)
        return SCHEMA_HEAD

    def schema_revision(self) -> str | None:
        """Read the schema's revision without importing Alembic (it costs most of a second).

        None means an empty database; a database that cannot be reached or read
        raises, saying why.
        """
        path = self.sqlite_file()
        if path is not None and not path.is_file():
            where = "это папка, а не файл" if path.is_dir() else "файла нет"
            raise RuleViolation(
                "database",
                f"базы {path} нет ({where}): выполните `srok init` "
                "(или `make demo` для демонстрационного города)",
            )
        try:
            with self.engine.connect() as conn:
                table = sa.inspect(conn).has_table("alembic_version")
                if not table:
                    return None
                return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        except sa.exc.DBAPIError as error:
            raise database_fault(error) from None

    @contextmanager
    def transaction(self, *, actor: str | None = None) -> Iterator[Session]:
        """Open one transaction on an initialised database: all of a command, or nothing.

        ``actor`` names who the audit trail records for this transaction alone (a
        web request's user); by default the application's actor.
        """
        revision = self.schema_revision()
        if revision != SCHEMA_HEAD:
            found = f"на ревизии схемы {revision}" if revision else "не инициализирована"
            raise RuleViolation(
                "database",
                f"база {self.settings.database_url.split('@')[-1]} {found}: выполните `srok init`",
            )
        with transaction(self.engine) as session:
            session.info["actor"] = actor or self.actor or default_actor()
            yield session
