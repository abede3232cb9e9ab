"""Wire settings, database and calendar together: the one place commands and flows start from."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import sqlalchemy as sa
from sqlmodel import Session

from domain.calendar import WorkingCalendar
from domain.errors import RuleViolation
from models.db import make_engine, migrate, transaction
from services.audit import default_actor
from services.calendar_source import build_calendar
from services.settings import Settings

# The newest migration; tests/models check it matches models/migrations.
SCHEMA_HEAD = "0005_web"


@dataclass
class Srok:
    """The application: settings, a lazily made engine and calendar, and transactions."""

    settings: Settings = field(default_factory=Settings.from_env)
    actor: str | None = None  # who the audit trail names: --actor, a flow run, or the OS user

    @cached_property
    def engine(self) -> sa.Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return build_calendar(self.settings.calendar_file)

    def today(self) -> date:
        return self.settings.today()

    def init(self) -> str:
        """Create or upgrade the schema; return the revision it is at."""
        self.settings.home.mkdir(parents=True, exist_ok=True)
        migrate(self.engine)
        return SCHEMA_HEAD

    def schema_revision(self) -> str | None:
        """Read the schema's revision without importing Alembic (it costs most of a second)."""
        try:
            with self.engine.connect() as conn:
                return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        except sa.exc.OperationalError:
            return None
        except sa.exc.ProgrammingError:
            return None

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
