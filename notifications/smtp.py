"""Send reminders through an SMTP server (none, STARTTLS or implicit TLS)."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass

from notifications.base import (
    OutgoingMessage,
    PermanentDeliveryError,
    TransientDeliveryError,
    UnknownOutcome,
)
from notifications.mime import wire_address


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str = "starttls"  # none, starttls, ssl
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0
    ca_file: str | None = None

    def __post_init__(self) -> None:
        if self.security not in ("none", "starttls", "ssl"):
            raise ValueError(
                f"SROK_SMTP_SECURITY: «{self.security}» — допустимо none, starttls, ssl"
            )

    def __repr__(self) -> str:  # never show the password
        return f"SmtpConfig(host={self.host!r}, port={self.port}, security={self.security!r})"


class SmtpNotifier:
    """One connection reused across messages; reconnects once if the server dropped it.

    SMTP cannot be asked afterwards whether a message went, so after an unknown
    outcome the message is resent with the same Message-ID (``was_sent`` is None).
    """

    channel = "smtp"
    settle_seconds = 0

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._client: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        context = ssl.create_default_context(cafile=c.ca_file)
        client: smtplib.SMTP | None = None
        try:
            if c.security == "ssl":
                client = smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=context)
            else:
                client = smtplib.SMTP(c.host, c.port, timeout=c.timeout)
                if c.security == "starttls":
                    client.starttls(context=context)
            if c.user:
                client.login(c.user, c.password or "")
            return client
        except smtplib.SMTPAuthenticationError:
            self._close_quietly(client)
            raise PermanentDeliveryError("SMTP: сервер отклонил учётные данные") from None
        except smtplib.SMTPNotSupportedError:
            self._close_quietly(client)
            raise PermanentDeliveryError(
                "SMTP: сервер не поддерживает вход или STARTTLS: проверьте SROK_SMTP_SECURITY"
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            self._close_quietly(client)
            raise TransientDeliveryError(
                f"SMTP: нет соединения с {c.host}:{c.port}: {type(exc).__name__}"
            ) from None

    @staticmethod
    def _close_quietly(client: smtplib.SMTP | None) -> None:
        if client is not None:
            with contextlib.suppress(OSError):
                client.close()

    def send(self, message: OutgoingMessage) -> int:
        data = message.to_bytes()  # written once, whatever the number of attempts
        sender, recipients = wire_address(message.sender), message.recipients()
        for attempt in (1, 2):
            if self._client is None:
                self._client = self._connect()
            try:
                refused = self._client.sendmail(sender, recipients, data)
            except smtplib.SMTPServerDisconnected:
                self._client = None
                if attempt == 2:
                    raise UnknownOutcome("SMTP: соединение оборвалось во время отправки") from None
                continue
            except smtplib.SMTPRecipientsRefused:
                raise PermanentDeliveryError(
                    "SMTP: сервер отклонил всех получателей", channel_wide=False
                ) from None
            except smtplib.SMTPSenderRefused:
                raise PermanentDeliveryError("SMTP: сервер отклонил адрес отправителя") from None
            except smtplib.SMTPDataError as exc:
                if 400 <= exc.smtp_code < 500:
                    raise TransientDeliveryError(
                        f"SMTP: временная ошибка {exc.smtp_code}"
                    ) from None
                raise PermanentDeliveryError(
                    f"SMTP: письмо отклонено ({exc.smtp_code})", channel_wide=False
                ) from None
            except TimeoutError:
                self._drop()
                raise UnknownOutcome("SMTP: сервер не ответил после отправки данных") from None
            except OSError as exc:
                self._drop()
                raise UnknownOutcome(
                    f"SMTP: обрыв после начала отправки: {type(exc).__name__}"
                ) from None
            if refused and len(refused) == len(recipients):
                raise PermanentDeliveryError(
                    "SMTP: сервер отклонил всех получателей", channel_wide=False
                )
            return len(refused)  # a count only: the refused addresses are personal data
        return 0

    def _drop(self) -> None:
        client, self._client = self._client, None
        self._close_quietly(client)

    def was_sent(self, key: str) -> bool | None:
        return None

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()
