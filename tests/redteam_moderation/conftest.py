"""The red team's city for п. 2.5: the same fake networks and app as tests/services' sync tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.app import Srok
from services.settings import Settings
from tests.conftest import TODAY
from tests.services.moderation_city import City, Nets, fill, running_nets


@pytest.fixture
def nets() -> Iterator[Nets]:
    yield from running_nets()


@pytest.fixture
def app(engine: sa.Engine, tmp_path: Path) -> Iterator[Srok]:
    settings = Settings(
        home=tmp_path,
        database_url=engine.url.render_as_string(hide_password=False),
        calendar_file=tmp_path / "calendar.toml",
        publication_rule=Settings.from_env({}).publication_rule,
        today_override=TODAY,
    )
    application = Srok(settings, actor="moderation-sync")
    application.__dict__["engine"] = engine
    yield application


@pytest.fixture
def city(app: Srok, nets: Nets) -> City:
    with app.transaction() as session:
        return fill(session, app.calendar, nets)
