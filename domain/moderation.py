"""П. 2.5: the moderation queue's states and what a moderator's decision must say.

A comment is ``clean`` (nothing matched), ``flagged`` (in the queue) or decided:
``removed`` (the moderator removed it on the network), ``kept`` (with the
reason), ``user_restricted`` (the author restricted, "as п. 2.5's last paragraph
says", recorded with the network's rule). A person always decides: srok never
deletes a comment and never blocks a user.

Four categories of п. 2.5 no program can judge are filed by hand: a comment
provoking conflict, defamation, unverified claims about officials, off-topic.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import RuleViolation
from domain.text import clean_text

MODERATION = "2.5"

CLEAN = "clean"
FLAGGED = "flagged"
REMOVED = "removed"
KEPT = "kept"
USER_RESTRICTED = "user_restricted"
DECISIONS: dict[str, str] = {
    REMOVED: "удалён",
    KEPT: "оставлен",
    USER_RESTRICTED: "пользователь ограничен",
}
STATE_WORDS: dict[str, str] = {CLEAN: "без отметок", FLAGGED: "ждёт решения", **DECISIONS}

MANUAL = "manual"  # the rule of a flag a moderator filed by hand
MANUAL_CATEGORIES: dict[str, str] = {
    "conflict": "провоцирует конфликт",
    "defamation": "клевета",
    "unverified": "недостоверные сведения о должностных лицах",
    "offtopic": "не по теме",
}


@dataclass(frozen=True)
class Decision:
    """A moderator's decision, checked: what, why (kept), under which rule (restricted)."""

    state: str
    reason: str | None
    rule: str | None


def decision(word: str, *, reason: str | None, rule: str | None) -> Decision:
    """Check a decision as typed (``user-restricted`` or ``user_restricted``) and its fields.

    "Оставлен" needs the reason it was kept; "пользователь ограничен" needs the
    network's rule it was done under (п. 2.5, last paragraph).
    """
    state = word.strip().lower().replace("-", "_")
    if state not in DECISIONS:
        allowed = ", ".join(f"{k.replace('_', '-')} ({v})" for k, v in DECISIONS.items())
        raise RuleViolation("decision", f"«{word}» — допустимо: {allowed}", MODERATION)
    why = clean_text("reason", reason, clause=MODERATION) or None
    under = clean_text("rule", rule, clause=MODERATION) or None
    if state == KEPT and not why:
        raise RuleViolation(
            "reason", "оставляя отмеченный комментарий, укажите причину (--reason)", MODERATION
        )
    if state == USER_RESTRICTED and not under:
        raise RuleViolation(
            "rule",
            "ограничивая пользователя, укажите правило сети, по которому это сделано (--rule)",
            MODERATION,
        )
    return Decision(state, why, under)


def manual_category(word: str) -> str:
    """Check a category filed by hand; return its code."""
    code = word.strip().lower()
    if code not in MANUAL_CATEGORIES:
        allowed = ", ".join(f"{k} ({v})" for k, v in MANUAL_CATEGORIES.items())
        raise RuleViolation("category", f"«{word}» — допустимо: {allowed}", MODERATION)
    return code


def state_after_classifying(state: str, *, flagged: bool) -> str:
    """The state a comment takes when its flags are (re)computed: a decision stands, except
    that a kept comment edited into something flaggable waits for a person again."""
    if state in (CLEAN, FLAGGED):
        return FLAGGED if flagged else CLEAN
    if state == KEPT and flagged:
        return FLAGGED
    return state
