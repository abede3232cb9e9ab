"""A form submitted twice (the button pressed twice) records once.

Every form carries a random nonce; the first submission claims it in the
transaction that records the change, so a second one finds it taken and is
sent where the first one led. A submission that failed rolled its claim back
with everything else, so the corrected form can be sent again.
"""

from __future__ import annotations

from sqlmodel import Session

from models.tables import WebSubmission


def earlier(session: Session, nonce: str) -> str | None:
    """Return where an earlier submission of this form led, if there was one."""
    row = session.get(WebSubmission, nonce) if nonce else None
    return row.result if row else None


def claim(session: Session, *, nonce: str, actor: str, result: str) -> None:
    """Claim the nonce in this transaction (after ``earlier`` found it free).

    The nonce is the primary key: of two submissions racing, one fails on
    commit and records nothing.
    """
    if nonce:  # a script that sends no nonce gets no protection, and no refusal
        session.add(WebSubmission(nonce=nonce[:64], actor=actor, result=result))
        session.flush()
