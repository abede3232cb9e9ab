"""A web app on a real SQLite (or PostgreSQL) database, with users of every role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from services.app import Srok
from services.settings import Settings
from tests.services import helpers
from web.app import create_app
from web.context import WebContext

TODAY = date(2026, 12, 1)
PASSWORD = "пароль-для-тестов"
SECRET = b"test-secret-key-of-the-installation"


class FakeDirectory:
    """A directory in memory: logins with passwords, mail and role; can be down."""

    def __init__(self) -> None:
        self.people: dict[str, tuple[str, str | None, str | None]] = {}
        self.down = False

    def authenticate(self, login: str, password: str):  # type: ignore[no-untyped-def]
        from services.users import DirectoryPerson, DirectoryUnavailable

        if self.down:
            raise DirectoryUnavailable("ldap://127.0.0.1:1 не отвечает")
        found = self.people.get(login)
        if found is None or found[0] != password:
            return None
        return DirectoryPerson(login=login, mail=found[1], role=found[2])


@dataclass
class City:
    srok: Srok
    ctx: WebContext
    organ: int  # the culture committee
    other_organ: int  # the sport committee
    account: int  # culture's VK, created 20.11.2026, notice not yet sent
    other_account: int  # sport's VK


def _settings(engine: sa.Engine, home: Path) -> Settings:
    return Settings(
        home=home,
        database_url=str(engine.url.render_as_string(hide_password=False)),
        calendar_file=home / "calendar.toml",
        publication_rule=Settings.from_env({}).publication_rule,
        today_override=TODAY,
    )


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id still, with the smallest cost: tests hash dozens of passwords."""
    from argon2 import PasswordHasher

    import services.users

    monkeypatch.setattr(
        services.users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def city(engine: sa.Engine, tmp_path: Path) -> Iterator[City]:
    from services.users import add_user

    app = Srok(_settings(engine, tmp_path), actor="test")
    app.__dict__["engine"] = engine  # the fixture's engine (its PostgreSQL schema, if any)
    with app.transaction() as s:
        culture = helpers.organ(s)
        sport = helpers.organ(s, "Комитет по спорту")
        person = helpers.specialist(s, culture.id or 0)
        other = helpers.specialist(s, sport.id or 0, n=2)
        account = helpers.account(s, app.calendar, culture.id or 0, specialist_ids=[person.id or 0])
        other_account = helpers.account(
            s,
            app.calendar,
            sport.id or 0,
            url="https://vk.com/sport_test",
            specialist_ids=[other.id or 0],
        )
        for login, role, organ_id, sid in (
            ("culture", "specialist", culture.id, person.id),
            ("sport", "specialist", sport.id, other.id),
            ("it", "it", None, None),
            ("head", "head", None, None),
            ("admin", "admin", None, None),
        ):
            add_user(
                session=s,
                login=login,
                role=role,
                password=PASSWORD,
                organ_id=organ_id,
                specialist_id=sid,
                actor="test",
            )
    ctx = WebContext(srok=app, secret=SECRET, web_url="http://testserver")
    yield City(app, ctx, culture.id or 0, sport.id or 0, account.id or 0, other_account.id or 0)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def nonce_of(html: str, form: str = "main") -> str:
    found = re.search(
        rf'name="form" value="{re.escape(form)}">\s*<input type="hidden" name="nonce" value="([^"]+)"',
        html,
    )
    assert found, f"no nonce for form {form}"
    return found.group(1)


def client_for(city: City, login: str | None = None) -> TestClient:
    client = TestClient(create_app(city.ctx), follow_redirects=False)
    if login:
        page = client.get("/login")
        response = client.post(
            "/login", data={"login": login, "password": PASSWORD, "csrf": csrf_of(page.text)}
        )
        assert response.status_code == 303, response.text
    return client


@pytest.fixture
def as_role(city: City):  # type: ignore[no-untyped-def]
    return lambda login=None: client_for(city, login)


def register_site_page(city: City, page: str) -> None:
    """Register the culture committee's page on the (local) city site: reports must be there."""
    from services.links import set_site_page

    with city.srok.transaction() as s:
        set_site_page(session=s, organ_id=city.organ, page=page, actor="test", today=TODAY)
