"""Mail settings from the environment, and the channel they choose (SROK_NOTIFIER)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from domain.errors import RuleViolation
from notifications.base import Notifier
from services.email_address import env_email

if TYPE_CHECKING:
    from notifications.smtp import SmtpConfig

CHANNELS = ("outbox", "smtp", "exchange")


@dataclass(frozen=True)
class MailSettings:
    """Who sends, who the IT department is, and through which channel."""

    channel: str
    sender: str
    it_mailbox: str
    outbox: Path
    it_supervisor: str | None = None  # copied on escalations of the IT department's own steps

    @classmethod
    def from_env(cls, home: Path, env: Mapping[str, str] | None = None) -> MailSettings:
        env = os.environ if env is None else env
        channel = env.get("SROK_NOTIFIER", "outbox")
        if channel not in CHANNELS:
            raise RuleViolation("SROK_NOTIFIER", f"«{channel}» — допустимо {', '.join(CHANNELS)}")
        sender = (
            env_email(env, "SROK_MAIL_FROM")
            or env_email(env, "SROK_EWS_SENDER")
            or "srok@example.invalid"
        )
        return cls(
            channel=channel,
            sender=sender,
            it_mailbox=env_email(env, "SROK_IT_EMAIL", "it-department@example.invalid") or "",
            outbox=home / "outbox",
            it_supervisor=env.get("SROK_IT_SUPERVISOR_EMAIL")
            or env.get("SROK_REPORT_EMAIL")
            or None,
        )


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name)
    if not value:
        raise RuleViolation(name, "не задана: нужна для выбранного канала SROK_NOTIFIER")
    return value


def _smtp_config(env: Mapping[str, str]) -> SmtpConfig:
    from notifications.smtp import SmtpConfig

    port = env.get("SROK_SMTP_PORT", "587")
    if not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise RuleViolation("SROK_SMTP_PORT", f"«{port}» — не номер порта (1–65535)")
    host = _required(env, "SROK_SMTP_HOST")
    try:
        return SmtpConfig(
            host=host,
            port=int(port),
            security=env.get("SROK_SMTP_SECURITY", "starttls"),
            user=env.get("SROK_SMTP_USER") or None,
            password=env.get("SROK_SMTP_PASSWORD") or None,
            ca_file=env.get("SROK_SMTP_CA_BUNDLE") or None,
        )
    except ValueError as exc:
        raise RuleViolation("SROK_SMTP_SECURITY", str(exc)) from None


def check_channel(mail: MailSettings, env: Mapping[str, str] | None = None) -> None:
    """Check the chosen channel's settings without connecting or reading a secret block.

    A sweep calls this before it queues anything, so a mistyped port or auth
    type is a clear error naming the variable, not a failure after planning.
    """
    env = os.environ if env is None else env
    if mail.channel == "smtp":
        _smtp_config(env)
    elif mail.channel == "exchange":
        from notifications.exchange import ExchangeConfig

        # The block itself is read when the run sends: only that one is named is checked here.
        placeholder = env.get("SROK_EWS_PASSWORD") or (
            "block" if env.get("SROK_EWS_PASSWORD_BLOCK") else None
        )
        ExchangeConfig.from_env(env, password=placeholder)


def build_notifier(mail: MailSettings, env: Mapping[str, str] | None = None) -> Notifier:
    """Make the channel the settings name; secrets come from the environment or a Prefect Secret."""
    env = os.environ if env is None else env
    if mail.channel == "outbox":
        from notifications.outbox import OutboxNotifier

        return OutboxNotifier(mail.outbox)
    if mail.channel == "smtp":
        from notifications.smtp import SmtpNotifier

        return SmtpNotifier(_smtp_config(env))
    from notifications.exchange import ExchangeConfig, ExchangeNotifier

    return ExchangeNotifier(ExchangeConfig.from_env(env, password=_ews_password(env)))


def _ews_password(env: Mapping[str, str]) -> str | None:
    """Read the Exchange password: SROK_EWS_PASSWORD, else the Prefect Secret block it names."""
    if env.get("SROK_EWS_PASSWORD"):
        return env["SROK_EWS_PASSWORD"]
    block = env.get("SROK_EWS_PASSWORD_BLOCK")
    if not block:
        return None
    from prefect.blocks.system import Secret

    secret: Any = Secret.load(block)
    return str(secret.get())
