"""The letter srok writes itself reads back whole through the email package, 7-bit clean."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notifications.base import OutgoingMessage

RUSSIAN = st.text(
    alphabet=st.sampled_from(
        list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗ .,:;!?()«»—-–0123456789<>&\"'\n")
    ),
    max_size=400,
)
MAILBOX = st.from_regex(r"[a-z][a-z0-9.]{0,20}@[a-z]{1,12}\.invalid", fullmatch=True)


def _read(raw: bytes) -> EmailMessage:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _lines(text: str) -> str:
    return "\n".join(text.splitlines()) + "\n"


def _content(part: EmailMessage | None) -> str:
    """A part's text with its line breaks as Python writes them (a 7-bit part keeps CRLF)."""
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


@settings(max_examples=60, deadline=None)
@given(
    text=RUSSIAN,
    html=RUSSIAN,
    subject=RUSSIAN.map(lambda s: " ".join(s.split())),  # as templates write them
    to=st.lists(MAILBOX, min_size=1, max_size=8, unique=True),
    cc=st.lists(MAILBOX, max_size=8, unique=True),
)
def test_any_letter_reads_back_exactly_and_is_seven_bit_with_short_lines(
    text: str, html: str, subject: str, to: list[str], cc: list[str]
) -> None:
    message = OutgoingMessage(
        key="12:escalation:2026-12-01",
        sender="srok@example.invalid",
        to=tuple(to),
        cc=tuple(cc),
        subject=subject,
        text=text,
        html=html,
        reply_to="it@example.invalid",
    )

    raw = message.to_bytes()

    parsed = _read(raw)
    assert raw.isascii() and max(len(line) for line in raw.split(b"\r\n")) <= 78
    assert [a.addr_spec for a in parsed["To"].addresses] == to
    assert [a.addr_spec for a in parsed["Cc"].addresses] == cc if cc else "Cc" not in parsed
    assert parsed["Subject"] == subject and parsed["Reply-To"] == "it@example.invalid"
    assert parsed["Message-ID"] == message.message_id
    assert parsed["X-Srok-Reminder-Key"] == message.key
    assert _content(parsed.get_body(("plain",))) == _lines(text)
    assert _content(parsed.get_body(("html",))) == _lines(html)
    assert message_from_bytes(raw, policy=policy.compat32)["Message-ID"] == message.message_id


def test_the_date_is_the_city_time_and_nothing_else_changes_between_two_writings() -> None:
    message = OutgoingMessage(
        key="1:heads_up:2026-11-05",
        sender="srok@example.invalid",
        to=("a@example.invalid",),
        cc=(),
        subject="Срок",
        text="Текст",
        html="<p>Текст</p>",
    )
    at = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)

    first, second = message.to_bytes(now=at), message.to_bytes(now=at)

    assert first == second  # a resend is byte for byte the same letter
    assert b"Date: Tue, 01 Dec 2026 09:00:00 +0700\r\n" in first


def test_a_cyrillic_domain_is_written_in_ascii_in_the_headers_and_the_envelope() -> None:
    message = OutgoingMessage(
        key="k",
        sender="srok@example.invalid",
        to=("glava@новоалтайск.рф",),
        cc=(),
        subject="x",
        text="t",
        html="h",
    )

    raw = message.to_bytes()

    assert message.recipients() == ["glava@xn--80aae4afdlib8ai.xn--p1ai"]
    assert b"To: glava@xn--80aae4afdlib8ai.xn--p1ai\r\n" in raw


@pytest.mark.parametrize(
    "address",
    [
        "иван@example.invalid",  # needs SMTPUTF8, which srok does not ask for
        "a@b@c",
        "a@x.invalid, b@x.invalid",
        "a@x.invalid\nBcc: b@y.invalid",
        "Иван <a@x.invalid>",
        "@x.invalid",
        "a@",
    ],
)
def test_an_address_that_cannot_be_written_stops_the_letter_before_any_channel(
    address: str,
) -> None:
    message = OutgoingMessage(
        key="k",
        sender="srok@example.invalid",
        to=(address,),
        cc=(),
        subject="x",
        text="t",
        html="h",
    )

    with pytest.raises(ValueError, match="address"):
        message.check()
    with pytest.raises(ValueError, match="address"):
        message.to_bytes()


def test_a_subject_that_looks_encoded_is_encoded_so_it_reads_back_as_typed() -> None:
    typed = "=?utf-8?b?0JA=?= (3.1)"  # ASCII: it would go as it is
    message = OutgoingMessage(
        key="k",
        sender="srok@example.invalid",
        to=("a@x.invalid",),
        cc=(),
        subject=typed,
        text="t",
        html="h",
    )

    assert _read(message.to_bytes())["Subject"] == typed
