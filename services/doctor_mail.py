"""`srok doctor`'s notifier checks: the channel connects and logs in, and sends nothing.

SMTP: connect, STARTTLS or TLS as configured, authenticate, quit. Exchange: log
in and find Sent Items (the same look-up every send starts with), then search it
for a key no reminder has. Outbox: the folder exists or can be made, and a file
can be written there and removed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from pathlib import Path

from domain.errors import RuleViolation
from notifications.base import DeliveryError
from services.doctor import Finding
from services.mail import MailSettings, build_notifier

PROBE_KEY = "srok-doctor-probe"  # no reminder's key looks like this: the search finds nothing


def check_notifier(home: Path, env: Mapping[str, str]) -> list[Finding]:
    """Check the chosen channel (SROK_NOTIFIER) for real, without sending a letter."""
    try:
        mail = MailSettings.from_env(home, env)
        if mail.channel == "outbox":
            return [check_outbox(mail.outbox)]
        notifier = build_notifier(mail, env)
    except RuleViolation as fault:
        return [Finding("notifier", "error", f"{fault}: исправьте настройку")]
    except Exception as error:  # a Prefect Secret block that cannot be read
        return [
            Finding(
                "notifier",
                "error",
                f"пароль Exchange не прочитан ({type(error).__name__}): проверьте "
                "SROK_EWS_PASSWORD_BLOCK и PREFECT_API_URL",
            )
        ]
    try:
        if mail.channel == "smtp":
            client = notifier._connect()  # type: ignore[attr-defined]
            client.quit()
            where = "SMTP: соединение и вход"
        else:
            notifier.was_sent(PROBE_KEY)
            where = "Exchange: вход и папка «Отправленные» найдена"
    except DeliveryError as error:
        return [
            Finding(
                "notifier",
                "error",
                f"{error}: напоминания не уйдут; проверьте адрес сервера, порт и учётные "
                "данные (SROK_SMTP_* или SROK_EWS_*)",
            )
        ]
    finally:
        notifier.close()
    return [Finding("notifier", "ok", f"{where} удались, письмо не отправлялось")]


def check_outbox(folder: Path) -> Finding:
    """The outbox folder can be written: write a file and remove it (or, if missing, its parent).

    A missing folder is made by the first letter; the doctor only reads, so it
    does not make it, but checks that it could be made.
    """
    from domain.errors import RuleViolation
    from services.files import check_output_folder, file_fault

    probe = folder / f".doctor-{uuid.uuid4().hex}"
    why = None
    if folder.is_dir():
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            why = file_fault(error).message
    else:
        try:  # as check_output_folder sees it: /proc and /sys refuse even root
            check_output_folder("outbox", folder)
        except RuleViolation as refused:
            why = refused.message
    if why:
        return Finding(
            "notifier",
            "error",
            f"в папку писем {folder} не записать ({why}): дайте пользователю, от имени "
            f"которого работает srok, права на запись (`chown -R srok {folder}`)",
        )
    if not folder.is_dir():
        return Finding(
            "notifier",
            "ok",
            f"письма пишутся в папку {folder}: её ещё нет, первое письмо её создаст",
        )
    return Finding("notifier", "ok", f"письма пишутся в папку {folder}: запись проверена")
