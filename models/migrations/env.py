"""Alembic environment: runs on the engine srok hands it (see models.db.migrate)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import models.tables  # noqa: F401  (registers the tables on the metadata)

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # the `alembic` command line: take the URL srok would use
    from models.db import make_engine
    from services.settings import Settings

    engine = make_engine(Settings.from_env().database_url)

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch operation rebuilds a table (copy, drop, rename); with foreign keys on, SQLite
        # refuses to drop a table other rows refer to, so downgrades of a city's database
        # failed. Off for the migration (outside any transaction, where SQLite honours it),
        # and every reference is checked before the migration commits.
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        connection.commit()
    try:
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=SQLModel.metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"после миграции нарушены внешние ключи: {broken[:5]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            connection.commit()
