"""The RFC 5322 form of a reminder: Russian subjects survive, ids are stable."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy

from hypothesis import given
from hypothesis import strategies as st

from notifications.base import OutgoingMessage

WORDS = st.lists(
    st.text(
        alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИКЛМНОПРСТУФЭЮЯ.,:()0123456789",
        min_size=1,
        max_size=14,
    ),
    min_size=1,
    max_size=25,
)


def _subject_lines(raw: bytes) -> list[str]:
    head = raw.split(b"\r\n\r\n" if b"\r\n\r\n" in raw else b"\n\n", 1)[0].decode("ascii")
    lines = head.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Subject:"))
    end = start + 1
    while end < len(lines) and lines[end].startswith((" ", "\t")):
        end += 1
    return lines[start:end]


def _message(subject: str, key: str = "1:heads_up:2026-11-05") -> OutgoingMessage:
    return OutgoingMessage(
        key=key,
        sender="srok@example.invalid",
        to=("a@example.invalid",),
        cc=(),
        subject=subject,
        text="Текст",
        html="<p>Текст</p>",
    )


@given(words=WORDS)
def test_any_russian_subject_comes_back_exactly(words: list[str]) -> None:
    subject = " ".join(words)

    raw = _message(subject).to_bytes()

    assert message_from_bytes(raw, policy=policy.default)["Subject"] == subject
    assert message_from_bytes(raw, policy=policy.compat32)["Subject"] is not None


@given(words=WORDS)
def test_every_encoded_word_is_at_most_75_characters_and_every_line_76(
    words: list[str],
) -> None:
    subject = " ".join(words)

    raw = _message(subject).to_bytes()

    lines = _subject_lines(raw)
    encoded = re.findall(r"=\?[^?]+\?[bBqQ]\?[^?]*\?=", "".join(lines))
    assert encoded or subject.isascii(), lines
    assert max((len(word) for word in encoded), default=0) <= 75
    assert max(len(line) for line in lines) <= 76


def test_a_long_subject_is_several_encoded_words_and_reads_back_whole() -> None:
    subject = (
        "Эскалация: просрочено на 12 рабочих дней: разместить ссылки на аккаунт на "
        "странице органа на официальном сайте города (Одноклассники) (п. 1.4)"
    )

    raw = _message(subject).to_bytes()

    assert len(_subject_lines(raw)) >= 4
    assert message_from_bytes(raw, policy=policy.default)["Subject"] == subject


def test_a_subject_with_a_line_break_cannot_be_built() -> None:
    import pytest

    with pytest.raises(ValueError, match="Subject"):
        _message("Срок\nBcc: x@example.invalid").to_bytes()


def test_the_date_header_carries_the_city_offset() -> None:
    raw = _message("x").to_bytes(now=datetime(2026, 12, 1, 2, 0, tzinfo=UTC))

    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Date"].datetime.utcoffset().total_seconds() == 7 * 3600
    assert "+0700" in str(parsed["Date"])
    assert "-0000" not in raw.decode("ascii", "replace")


def test_reply_to_names_the_it_department_when_given() -> None:
    message = OutgoingMessage(**{**_message("x").__dict__, "reply_to": "it@example.invalid"})

    parsed = message_from_bytes(message.to_bytes(), policy=policy.default)

    assert parsed["Reply-To"] == "it@example.invalid"
    assert "Reply-To" not in message_from_bytes(_message("x").to_bytes())


def test_the_subject_that_lost_its_space_is_whole() -> None:
    subject = (
        "Эскалация: просрочено на 3 рабочих дня: уведомить отдел информатизации "
        "о создании аккаунта (RUTUBE) (п. 3.1)"
    )

    raw = _message(subject).to_bytes()

    assert message_from_bytes(raw, policy=policy.default)["Subject"] == subject


def test_the_message_id_depends_on_the_key_only() -> None:
    a, b = _message("x"), _message("y")

    assert a.message_id == b.message_id
    assert a.message_id != _message("x", key="2:heads_up:2026-11-05").message_id
    assert a.message_id.endswith("@example.invalid>")
