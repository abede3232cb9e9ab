"""exchangelib for real against a local EWS endpoint: what is sent, and how each fault ends."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from notifications.base import (
    OutgoingMessage,
    PermanentDeliveryError,
    TransientDeliveryError,
    UnknownOutcome,
)
from notifications.exchange import ExchangeConfig, ExchangeNotifier
from tests.notifications.fake_ews import FakeEws

SENDER = "srok@novoaltaysk.invalid"
MESSAGE = OutgoingMessage(
    key="12:escalation:2026-11-11",
    sender=SENDER,
    to=("specialist@example.invalid",),
    cc=("head@example.invalid", "it@example.invalid"),
    subject="Эскалация: просрочено на 3 рабочих дня: уведомить отдел информатизации (п. 3.1)",
    text="Здравствуйте!",
    html="<p>Здравствуйте! <strong>Срок истёк</strong>.</p>",
)


@pytest.fixture
def ews() -> Iterator[FakeEws]:
    with FakeEws() as server:
        yield server


def _notifier(ews: FakeEws, *, password: str | None = None) -> ExchangeNotifier:
    return ExchangeNotifier(
        ExchangeConfig(
            endpoint=ews.endpoint,
            sender=SENDER,
            auth="basic",
            username=ews.state.username,
            password=password or ews.state.password,
            max_wait=10,
        )
    )


def test_a_reminder_is_sent_and_saved_with_its_key(ews: FakeEws) -> None:
    notifier = _notifier(ews)

    notifier.send(MESSAGE)
    notifier.close()

    (sent,) = ews.state.sent
    assert sent.subject == MESSAGE.subject
    assert sent.to == ["specialist@example.invalid"]
    assert sent.cc == ["head@example.invalid", "it@example.invalid"]
    assert sent.body_type == "HTML" and "Срок истёк" in sent.body
    assert sent.key == MESSAGE.key and sent.disposition == "SendAndSaveCopy"


def test_connecting_costs_no_extra_round_trip(ews: FakeEws) -> None:
    notifier = _notifier(ews)

    notifier.send(MESSAGE)
    notifier.send(MESSAGE)
    notifier.close()

    # No autodiscover, no ConvertId version guess, no unauthenticated probe: the
    # folders are read once, then one CreateItem a message.
    assert ews.state.refused == 0
    assert ews.state.requests.count("CreateItem") == 2
    assert set(ews.state.requests) == {"GetFolder", "CreateItem"}
    assert ews.state.requests.count("GetFolder") <= 2


@pytest.mark.parametrize("fault", ["busy", "503"])
def test_a_busy_server_is_retried_with_back_off(ews: FakeEws, fault: str) -> None:
    ews.state.faults = [fault]
    notifier = _notifier(ews)

    notifier.send(MESSAGE)
    notifier.close()

    assert len(ews.state.sent) == 1
    assert ews.state.requests.count("CreateItem") == 2


def test_a_wrong_password_fails_fast_and_sends_nothing(ews: FakeEws) -> None:
    notifier = _notifier(ews, password="wrong password")
    started = time.monotonic()

    with pytest.raises(PermanentDeliveryError, match="учётные данные") as error:
        notifier.send(MESSAGE)

    assert time.monotonic() - started < 5
    assert ews.state.sent == [] and error.value.channel_wide
    assert "wrong password" not in str(error.value)


def test_a_lost_reply_is_an_unknown_outcome_that_sent_items_resolves(ews: FakeEws) -> None:
    ews.state.faults = ["drop"]
    notifier = _notifier(ews)

    with pytest.raises(UnknownOutcome):
        notifier.send(MESSAGE)

    assert notifier.was_sent(MESSAGE.key) is True
    assert notifier.was_sent("99:heads_up:2026-11-05") is False
    assert ews.state.requests.count("FindItem") == 2
    notifier.close()


def test_no_server_is_a_transient_fault() -> None:
    from tests.notifications.conftest import free_port

    notifier = ExchangeNotifier(
        ExchangeConfig(
            endpoint=f"http://127.0.0.1:{free_port()}/EWS/Exchange.asmx",
            sender=SENDER,
            auth="basic",
            username="u",
            password="p",
            max_wait=2,
        )
    )

    with pytest.raises(TransientDeliveryError):
        notifier.send(MESSAGE)


def test_neither_the_password_nor_the_authorization_header_reach_the_logs(
    ews: FakeEws, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # the root at DEBUG: exchangelib must stay quiet

    notifier = _notifier(ews)
    notifier.send(MESSAGE)
    notifier.close()

    logged = " ".join(r.getMessage() for r in caplog.records)
    assert ews.state.password not in logged
    assert "Authorization" not in logged and "Basic " not in logged
    assert ews.state.password not in repr(notifier.config)
