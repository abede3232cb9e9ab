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

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
