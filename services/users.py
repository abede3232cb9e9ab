"""Users of the web app, their passwords, tokens and the limits on guessing.

Roles: ``specialist`` (one organ's accounts), ``it`` (the IT department),
``head`` (the deputy head of the city, read only) and ``admin`` (the IT
department plus users). Passwords are kept as Argon2id hashes only; tokens as
SHA-256. Logins are limited per login and per address.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, func, select

from domain.errors import NotFound, RuleViolation
from models.tables import ApiToken, LoginAttempt, Specialist, WebUser, utcnow
from services.accounts import get_organ
from services.steps import record_event

ROLES = {
    "specialist": "специалист органа",
    "it": "отдел информатизации",
    "head": "заместитель главы (просмотр)",
    "admin": "администратор",
}
LIMIT_WINDOW = timedelta(minutes=15)
LIMIT_PER_LOGIN = 5  # failures within the window before a login is held
LIMIT_PER_ADDRESS = 20
MIN_PASSWORD = 10

_hasher = PasswordHasher()  # Argon2id with the library's current parameters


@dataclass(frozen=True)
class Viewer:
    """Who is asking: what every web route is given after the role and organ check."""

    user_id: int
    login: str
    role: str
    organ_id: int | None
    specialist_id: int | None

    @property
    def actor(self) -> str:
        return f"web:{self.login}"

    @property
    def role_ru(self) -> str:
        return ROLES[self.role]


def _viewer(user: WebUser) -> Viewer:
    assert user.id is not None
    return Viewer(user.id, user.login, user.role, user.organ_id, user.specialist_id)


def _check_role(
    session: Session, role: str, organ_id: int | None, specialist_id: int | None
) -> None:
    if role not in ROLES:
        raise RuleViolation("--role", f"«{role}» — допустимо {', '.join(ROLES)}")
    if role == "specialist":
        if organ_id is None:
            raise RuleViolation(
                "--organ", "специалисту нужен орган: он видит аккаунты только своего органа"
            )
        get_organ(session, organ_id)
    elif organ_id is not None:
        raise RuleViolation("--organ", "орган указывается только для роли specialist")
    if specialist_id is not None:
        person = session.get(Specialist, specialist_id)
        if person is None:
            raise NotFound("--specialist", f"нет специалиста с id {specialist_id}")
        if person.organ_id != organ_id:
            raise RuleViolation(
                "--specialist", f"специалист {specialist_id} относится к другому органу"
            )


def add_user(
    *,
    session: Session,
    login: str,
    role: str,
    password: str | None,
    organ_id: int | None = None,
    specialist_id: int | None = None,
    source: str = "local",
    actor: str,
    today: datetime | None = None,
) -> WebUser:
    """Create a user; a local one needs a password of at least MIN_PASSWORD characters."""
    clean = login.strip()
    if not clean:
        raise RuleViolation("--login", "не может быть пустым")
    if session.exec(select(WebUser).where(WebUser.login == clean)).first():
        raise RuleViolation("--login", f"пользователь «{clean}» уже есть")
    _check_role(session, role, organ_id, specialist_id)
    if source == "local" and (password is None or len(password) < MIN_PASSWORD):
        raise RuleViolation("--password-stdin", f"пароль короче {MIN_PASSWORD} символов")
    user = WebUser(
        login=clean,
        role=role,
        organ_id=organ_id,
        specialist_id=specialist_id,
        password_hash=_hasher.hash(password) if password else None,
        source=source,
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        kind="user_added",
        occurred_on=(today or utcnow()).date(),
        actor=actor,
        user_id=user.id,
        login=clean,
        role=role,
        organ_id=organ_id,
    )
    return user


def list_users(session: Session) -> list[WebUser]:
    return list(session.exec(select(WebUser).order_by(col(WebUser.login))))


def viewer_by_id(session: Session, user_id: int) -> Viewer | None:
    user = session.get(WebUser, user_id)
    return _viewer(user) if user is not None and user.active else None


class DirectoryUnavailable(Exception):
    """The directory (Active Directory) did not answer."""


class Directory(Protocol):
    """What login needs of a directory: check a password, map its groups to a role."""

    def authenticate(self, login: str, password: str) -> DirectoryPerson | None: ...


@dataclass(frozen=True)
class DirectoryPerson:
    login: str
    mail: str | None
    role: str | None  # None: in no srok group


@dataclass(frozen=True)
class LoginResult:
    viewer: Viewer | None
    message: str | None = None  # why not, in Russian, the same for a wrong login and password


WRONG = "Неверный логин или пароль."


def _limited(session: Session, login: str, address: str, now: datetime) -> bool:
    since = now - LIMIT_WINDOW

    def failures(*where: Any) -> int:
        query = (
            select(func.count())
            .select_from(LoginAttempt)
            .where(col(LoginAttempt.ok).is_(False), col(LoginAttempt.at) >= since, *where)
        )
        return int(session.exec(query).one())

    return (
        failures(LoginAttempt.login == login) >= LIMIT_PER_LOGIN
        or failures(LoginAttempt.address == address) >= LIMIT_PER_ADDRESS
    )


def _local(session: Session, login: str, password: str) -> WebUser | None:
    user = session.exec(select(WebUser).where(WebUser.login == login)).first()
    if user is None or not user.active or not user.password_hash:
        _hasher.hash(password)  # spend the same time whether or not the login exists
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def _from_directory(session: Session, person: DirectoryPerson) -> WebUser | str:
    """Find or make the user the directory vouched for; a message if srok cannot place them."""
    if person.role is None:
        return "Ваша учётная запись не входит ни в одну группу srok: обратитесь в отдел информатизации."
    organ_id = specialist_id = None
    if person.role == "specialist":
        match = (
            session.exec(
                select(Specialist).where(
                    func.lower(Specialist.email) == (person.mail or "").lower()
                )
            ).first()
            if person.mail
            else None
        )
        if match is None:
            return (
                "В srok нет ответственного специалиста с адресом почты из вашей учётной записи: "
                "обратитесь в отдел информатизации."
            )
        organ_id, specialist_id = match.organ_id, match.id
    user = session.exec(select(WebUser).where(WebUser.login == person.login)).first()
    if user is None:
        user = WebUser(login=person.login, role=person.role, source="ldap")
    if user.source != "ldap":
        return WRONG  # a local login of the same name is not the directory's to claim
    user.role, user.organ_id, user.specialist_id = person.role, organ_id, specialist_id
    session.add(user)
    session.flush()
    return user


def log_in(
    *,
    session: Session,
    login: str,
    password: str,
    address: str,
    now: datetime,
    directory: Directory | None = None,
) -> LoginResult:
    """Check a login; record the attempt (also when refused) so guessing is limited.

    With a directory, a local administrator still signs in with their local
    password, so the installation stays reachable when the directory is down.
    """
    login = login.strip()
    if _limited(session, login, address, now):
        return LoginResult(None, "Слишком много неудачных попыток входа. Повторите через 15 минут.")
    user: WebUser | None = None
    message = WRONG
    local = _local(session, login, password) if login else None
    if local is not None and (directory is None or local.role == "admin"):
        user = local
    elif directory is not None and login:
        try:
            person = directory.authenticate(login, password)
        except DirectoryUnavailable:
            person = None
            message = (
                "Служба каталога (Active Directory) недоступна, вход по учётной записи домена "
                "сейчас невозможен. Попробуйте позже или обратитесь в отдел информатизации."
            )
        if person is not None:
            found = _from_directory(session, person)
            if isinstance(found, WebUser):
                user = found
            else:
                message = found
    session.add(LoginAttempt(login=login, address=address, at=now, ok=user is not None))
    if user is None:
        return LoginResult(None, message)
    return LoginResult(_viewer(user))


def create_token(*, session: Session, login: str, actor: str) -> str:
    """Make an API token for a user; only its hash is kept, so it is shown once."""
    user = session.exec(select(WebUser).where(WebUser.login == login.strip())).first()
    if user is None:
        raise NotFound("--user", f"нет пользователя «{login}»")
    token = "srok_" + secrets.token_urlsafe(32)
    session.add(
        ApiToken(user_id=user.id or 0, token_hash=hashlib.sha256(token.encode()).hexdigest())
    )
    record_event(
        session, kind="token_created", occurred_on=utcnow().date(), actor=actor, user_id=user.id
    )
    return token


def viewer_by_token(session: Session, token: str) -> Viewer | None:
    digest = hashlib.sha256(token.encode()).hexdigest()
    row = session.exec(
        select(ApiToken).where(ApiToken.token_hash == digest, col(ApiToken.revoked_at).is_(None))
    ).first()
    return viewer_by_id(session, row.user_id) if row else None
