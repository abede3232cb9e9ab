"""СНИЛС: the insurance number's check digits (python-stdnum has no module for it)."""

from __future__ import annotations


def is_valid_snils(digits: str) -> bool:
    """Check an 11-digit СНИЛС: weights 9..1 on the first nine digits, modulo 101.

    Numbers up to 001-001-998 were issued before the check was introduced and
    carry none; they are too rare in comments to be worth a separate rule.
    """
    if len(digits) != 11 or not digits.isdigit():
        return False
    body, check = digits[:9], int(digits[9:])
    if int(body) <= 1001998:
        return False
    total = sum(int(d) * w for d, w in zip(body, range(9, 0, -1), strict=True))
    expected = total % 101
    if expected == 100:
        expected = 0
    return expected == check
