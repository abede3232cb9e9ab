"""smtplib against a real local SMTP server; the outbox against a real folder."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest

from notifications.base import OutgoingMessage, PermanentDeliveryError, TransientDeliveryError
from notifications.outbox import OutboxNotifier
from notifications.smtp import SmtpConfig, SmtpNotifier
from tests.notifications.conftest import MailSink, free_port

MESSAGE = OutgoingMessage(
    key="7:heads_up:2026-11-05",
    sender="srok@example.invalid",
    to=("specialist@example.invalid",),
    cc=("head@example.invalid",),
    subject="Срок 06.11.2026: уведомить отдел информатизации о создании аккаунта (ВКонтакте) (п. 3.1)",
    text="Здравствуйте!\nСрок истекает завтра.\n",
    html="<p>Здравствуйте! <strong>Срок</strong> истекает завтра.</p>",
)


def test_smtp_delivers_a_cyrillic_message_with_both_parts(
    smtp_server: tuple[MailSink, int],
) -> None:
    sink, port = smtp_server
    notifier = SmtpNotifier(SmtpConfig(host="127.0.0.1", port=port, security="none"))

    notifier.send(MESSAGE)
    notifier.close()

    (got,) = sink.received
    assert sorted(got.envelope_to) == ["head@example.invalid", "specialist@example.invalid"]
    assert got.message["Subject"] == MESSAGE.subject
    assert got.message["Message-ID"] == MESSAGE.message_id
    assert got.message["X-Srok-Reminder-Key"] == MESSAGE.key
    plain = got.message.get_body(("plain",))
    html = got.message.get_body(("html",))
    assert plain is not None and "Срок истекает завтра" in plain.get_content()
    assert html is not None and "<strong>Срок</strong>" in html.get_content()


def test_smtp_reuses_one_connection_for_many_messages(smtp_server: tuple[MailSink, int]) -> None:
    sink, port = smtp_server
    notifier = SmtpNotifier(SmtpConfig(host="127.0.0.1", port=port, security="none"))

    for n in range(5):
        notifier.send(OutgoingMessage(**{**MESSAGE.__dict__, "key": f"k{n}"}))
    notifier.close()

    assert [r.message["X-Srok-Reminder-Key"] for r in sink.received] == [f"k{n}" for n in range(5)]


def test_a_busy_smtp_server_is_a_transient_fault(smtp_server: tuple[MailSink, int]) -> None:
    sink, port = smtp_server
    sink.busy = 1
    notifier = SmtpNotifier(SmtpConfig(host="127.0.0.1", port=port, security="none"))

    with pytest.raises(TransientDeliveryError, match="451"):
        notifier.send(MESSAGE)
    notifier.send(MESSAGE)
    notifier.close()

    assert len(sink.received) == 1


def test_no_smtp_server_is_a_transient_fault() -> None:
    notifier = SmtpNotifier(
        SmtpConfig(host="127.0.0.1", port=free_port(), security="none", timeout=2)
    )

    with pytest.raises(TransientDeliveryError, match="нет соединения"):
        notifier.send(MESSAGE)


def test_smtp_login_without_tls_support_is_refused_plainly(
    smtp_server: tuple[MailSink, int],
) -> None:
    _, port = smtp_server
    notifier = SmtpNotifier(
        SmtpConfig(
            host="127.0.0.1", port=port, security="none", user="u", password="secret-password"
        )
    )

    with pytest.raises(PermanentDeliveryError, match="не поддерживает") as error:
        notifier.send(MESSAGE)

    assert "secret-password" not in str(error.value)
    assert "secret-password" not in repr(notifier.config)


def test_the_outbox_writes_one_eml_per_key_atomically(tmp_path: Path) -> None:
    outbox = OutboxNotifier(tmp_path / "outbox")

    outbox.send(MESSAGE)
    outbox.send(MESSAGE)

    files = list((tmp_path / "outbox").iterdir())
    assert [f.name for f in files] == ["7_heads_up_2026-11-05.eml"]
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Subject"] == MESSAGE.subject
    assert outbox.was_sent(MESSAGE.key) and not outbox.was_sent("other")
