"""The RFC 5322 form of a reminder: Russian subjects survive, ids are stable."""

from __future__ import annotations

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

    raw = _message(subject).to_email().as_bytes()

    assert message_from_bytes(raw, policy=policy.default)["Subject"] == subject


def test_the_subject_that_lost_its_space_is_whole() -> None:
    subject = (
        "Эскалация: просрочено на 3 рабочих дня: уведомить отдел информатизации "
        "о создании аккаунта (RUTUBE) (п. 3.1)"
    )

    raw = _message(subject).to_email().as_bytes()

    assert message_from_bytes(raw, policy=policy.default)["Subject"] == subject


def test_the_message_id_depends_on_the_key_only() -> None:
    a, b = _message("x"), _message("y")

    assert a.message_id == b.message_id
    assert a.message_id != _message("x", key="2:heads_up:2026-11-05").message_id
    assert a.message_id.endswith("@example.invalid>")
