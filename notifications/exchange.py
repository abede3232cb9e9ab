"""Send reminders through Microsoft Exchange Web Services (exchangelib).

Connecting costs no extra round trip: no autodiscover, the server version and
the auth type are given, and there is one connection (with more, a lost reply
retried by the pool was seen to deliver twice). Each message carries its
reminder key as an internet header (`X-Srok-Reminder-Key`, an extended
property), and a copy is saved to Sent Items, so after an unknown outcome the
key is looked up there before anything is resent.

exchangelib logs the Authorization header and whole bodies at DEBUG: its
logger is held at WARNING here, whatever the root logger says.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from notifications.base import (
    OutgoingMessage,
    PermanentDeliveryError,
    TransientDeliveryError,
    UnknownOutcome,
)

KEY_HEADER = "X-Srok-Reminder-Key"
AUTH_TYPES = ("ntlm", "basic", "oauth2")
logging.getLogger("exchangelib").setLevel(logging.WARNING)

_registered = False


def _register_key_property() -> None:
    """Teach exchangelib's Message the reminder-key header, once per process."""
    global _registered
    if _registered:
        return
    from exchangelib import ExtendedProperty, Message

    class ReminderKey(ExtendedProperty):
        distinguished_property_set_id = "InternetHeaders"
        property_name = KEY_HEADER
        property_type = "String"

    Message.register("srok_reminder_key", ReminderKey)
    _registered = True


@dataclass(frozen=True)
class ExchangeConfig:
    endpoint: str
    sender: str
    auth: str = "ntlm"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    version: str = "15.1"
    ca_bundle: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    tenant_id: str | None = None
    max_wait: int = 60  # seconds of back-off on busy/503 before giving up for this run
    timeout: int = 120

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, password: str | None) -> ExchangeConfig:
        from domain.errors import RuleViolation

        def need(name: str) -> str:
            value = env.get(name)
            if not value:
                raise RuleViolation(name, "не задана: нужна для SROK_NOTIFIER=exchange")
            return value

        auth = env.get("SROK_EWS_AUTH", "ntlm")
        if auth not in AUTH_TYPES:
            raise RuleViolation("SROK_EWS_AUTH", f"«{auth}» — допустимо {', '.join(AUTH_TYPES)}")
        version = env.get("SROK_EWS_VERSION", "15.1")
        if not all(p.isdigit() for p in version.split(".")) or version.count(".") != 1:
            raise RuleViolation("SROK_EWS_VERSION", f"«{version}» — ожидается вид 15.1")
        endpoint = need("SROK_EWS_ENDPOINT")
        try:
            parts = urlsplit(endpoint)
            usable = parts.scheme in ("http", "https") and bool(parts.hostname)
        except ValueError:
            usable = False
        if not usable:
            raise RuleViolation(
                "SROK_EWS_ENDPOINT", "ожидается адрес вида https://mail.example/EWS/Exchange.asmx"
            )
        config = cls(
            endpoint=endpoint,
            sender=need("SROK_EWS_SENDER"),
            auth=auth,
            username=env.get("SROK_EWS_USERNAME"),
            password=password,
            version=version,
            ca_bundle=env.get("SROK_EWS_CA_BUNDLE") or None,
            client_id=env.get("SROK_EWS_CLIENT_ID"),
            client_secret=env.get("SROK_EWS_CLIENT_SECRET"),
            tenant_id=env.get("SROK_EWS_TENANT_ID"),
        )
        if auth == "oauth2":
            for name, value in (
                ("SROK_EWS_CLIENT_ID", config.client_id),
                ("SROK_EWS_CLIENT_SECRET", config.client_secret),
                ("SROK_EWS_TENANT_ID", config.tenant_id),
            ):
                if not value:
                    raise RuleViolation(name, "не задана: нужна для SROK_EWS_AUTH=oauth2")
        elif not config.username or not config.password:
            raise RuleViolation(
                "SROK_EWS_USERNAME/SROK_EWS_PASSWORD",
                "не заданы (пароль: переменная или блок Prefect Secret)",
            )
        return config


class ExchangeNotifier:
    """Send through one exchangelib Account; the account is made on first use."""

    channel = "exchange"
    settle_seconds = 30  # Sent Items can lag behind a send by a few seconds

    def __init__(self, config: ExchangeConfig) -> None:
        self.config = config
        self._account: Any = None

    def _connect(self) -> Any:
        if self._account is not None:
            return self._account
        import exchangelib as x
        from exchangelib.protocol import BaseProtocol

        _register_key_property()
        c = self.config
        if c.ca_bundle:
            BaseProtocol.HTTP_ADAPTER_CLS = _ca_adapter(c.ca_bundle)
        major, minor = (int(p) for p in c.version.split("."))
        credentials: Any
        if c.auth == "oauth2":
            credentials = x.OAuth2Credentials(
                client_id=c.client_id,
                client_secret=c.client_secret,
                tenant_id=c.tenant_id,
                identity=x.Identity(primary_smtp_address=c.sender),
            )
        else:
            credentials = x.Credentials(c.username or "", c.password or "")
        config = x.Configuration(
            service_endpoint=c.endpoint,
            credentials=credentials,
            auth_type={"ntlm": x.NTLM, "basic": x.BASIC, "oauth2": x.OAUTH2}[c.auth],
            version=x.Version(build=x.Build(major, minor)),
            retry_policy=x.FailFast(),
            max_connections=1,
        )
        access = x.IMPERSONATION if c.auth == "oauth2" else x.DELEGATE
        account = x.Account(
            primary_smtp_address=c.sender, config=config, autodiscover=False, access_type=access
        )
        account.protocol.TIMEOUT = c.timeout
        # Under FaultTolerance a wrong password is retried as "busy" until max_wait:
        # look up Sent Items (needed for every send anyway) failing fast, and only
        # then allow back-off for busy servers.
        account.sent  # noqa: B018
        config.retry_policy = x.FaultTolerance(max_wait=c.max_wait)
        self._account = account
        return account

    def send(self, message: OutgoingMessage) -> None:
        from exchangelib import HTMLBody, Mailbox, Message

        account = self._connect_or_raise()
        try:
            mail = Message(
                account=account,
                folder=account.sent,
                subject=message.subject,
                body=HTMLBody(message.html),
                to_recipients=[Mailbox(email_address=a) for a in message.to],
                cc_recipients=[Mailbox(email_address=a) for a in message.cc] or None,
                srok_reminder_key=message.key,
            )
            mail.send_and_save()
        except Exception as exc:
            raise classify(exc) from None

    def _connect_or_raise(self) -> Any:
        """Connect; nothing has been sent yet, so every failure but a refusal is transient."""
        try:
            return self._connect()
        except Exception as exc:
            error = classify(exc)
            if isinstance(error, PermanentDeliveryError):
                raise error from None
            raise TransientDeliveryError(
                f"Exchange: нет соединения ({type(exc).__name__})"
            ) from None

    def was_sent(self, key: str) -> bool | None:
        account = self._connect_or_raise()
        try:
            return bool(account.sent.filter(srok_reminder_key=key).exists())
        except Exception as exc:
            raise classify(exc) from None

    def close(self) -> None:
        account, self._account = self._account, None
        if account is not None:
            account.protocol.close()


def classify(exc: BaseException) -> Exception:
    """Map an exchangelib or transport error onto srok's three kinds, without personal data."""
    from exchangelib import errors

    name = type(exc).__name__
    if isinstance(exc, errors.UnauthorizedError):
        return PermanentDeliveryError("Exchange: учётные данные отклонены (401)")
    if isinstance(exc, errors.ErrorNonExistentMailbox):
        return PermanentDeliveryError("Exchange: почтовый ящик отправителя не найден")
    if _never_reached_server(exc):
        return TransientDeliveryError(f"Exchange: нет соединения с сервером ({name})")
    if isinstance(exc, errors.ErrorTimeoutExpired):
        return UnknownOutcome("Exchange: истекло время ожидания ответа (ErrorTimeoutExpired)")
    if isinstance(
        exc,
        errors.RateLimitError
        | errors.ErrorServerBusy
        | errors.ErrorInternalServerTransientError
        | errors.ErrorConnectionFailed,
    ):
        return TransientDeliveryError(f"Exchange: сервер занят или недоступен ({name})")
    if isinstance(exc, errors.ErrorInternalServerError):
        return TransientDeliveryError("Exchange: внутренняя ошибка сервера")
    if isinstance(exc, errors.TransportError | ConnectionError | TimeoutError | OSError):
        return UnknownOutcome(f"Exchange: соединение оборвалось, исход неизвестен ({name})")
    if isinstance(exc, errors.EWSError):
        return PermanentDeliveryError(f"Exchange отклонил письмо ({name})", channel_wide=False)
    return UnknownOutcome(f"Exchange: непредвиденная ошибка ({name})")


def _never_reached_server(exc: BaseException) -> bool:
    """Tell a refused or unresolvable connection (safe to retry) from a lost reply."""
    seen: BaseException | None = exc
    while seen is not None:
        text = f"{type(seen).__name__} {seen}"
        if any(
            m in text
            for m in (
                "NewConnectionError",
                "Connection refused",
                "ConnectTimeout",
                "Name or service not known",
                "NameResolutionError",
            )
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _ca_adapter(ca_bundle: str) -> type:
    import requests.adapters

    class CaBundleAdapter(requests.adapters.HTTPAdapter):
        def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
            super().cert_verify(conn=conn, url=url, verify=ca_bundle, cert=cert)

    return CaBundleAdapter
