"""The Exchange password from a Prefect Secret block, never from the repository."""

from __future__ import annotations

from pathlib import Path

from notifications.base import OutgoingMessage
from notifications.exchange import ExchangeNotifier
from services.mail import MailSettings, build_notifier
from tests.notifications.fake_ews import FakeEws


def test_the_exchange_password_can_come_from_a_secret_block(tmp_path: Path) -> None:
    from prefect.blocks.system import Secret

    with FakeEws() as ews:
        Secret(value=ews.state.password).save("srok-ews-password", overwrite=True)
        env = {
            "SROK_NOTIFIER": "exchange",
            "SROK_EWS_ENDPOINT": ews.endpoint,
            "SROK_EWS_AUTH": "basic",
            "SROK_EWS_USERNAME": ews.state.username,
            "SROK_EWS_PASSWORD_BLOCK": "srok-ews-password",
            "SROK_EWS_SENDER": "srok@novoaltaysk.invalid",
        }

        notifier = build_notifier(MailSettings.from_env(tmp_path, env), env)
        assert isinstance(notifier, ExchangeNotifier)
        notifier.send(
            OutgoingMessage(
                key="1:heads_up:2026-11-05",
                sender=env["SROK_EWS_SENDER"],
                to=("a@example.invalid",),
                cc=(),
                subject="Срок",
                text="т",
                html="<p>т</p>",
            )
        )
        notifier.close()

        assert len(ews.state.sent) == 1
        assert ews.state.password not in repr(notifier.config)
