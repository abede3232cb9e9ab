"""One email check for people, organs and settings (issue 8, item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.errors import RuleViolation
from services.email_address import check_email, env_email
from services.mail import MailSettings

BAD = [
    "anna.petrova@x.ru, b@x.ru",
    "anna.petrova@b@c.ru",
    "anna.petrova;y",
    "anna.petrova b@x.ru",
    "anna.petrova@x.ru\nBcc: b@y.ru",
    "Анна <anna.petrova@x.ru>",
]


@pytest.mark.parametrize("value", BAD)
def test_a_bad_address_is_refused_without_repeating_it(value: str) -> None:
    with pytest.raises(RuleViolation) as error:
        check_email("--email", value, clause="3.1")

    assert (error.value.field, error.value.clause) == ("--email", "3.1")
    assert "anna.petrova" not in error.value.message  # personal data stays out of errors


def test_a_good_address_comes_back_normalised() -> None:
    assert check_email("--email", " Anna@Example.ORG ", clause=None) == "Anna@example.org"
    assert check_email("--email", "иван@почта.рф", clause=None) == "иван@почта.рф"
    assert check_email("--email", "demo@example.invalid", clause=None) == "demo@example.invalid"


@pytest.mark.parametrize("name", ["SROK_MAIL_FROM", "SROK_IT_EMAIL", "SROK_EWS_SENDER"])
def test_mail_settings_are_checked_as_they_are_read_naming_the_variable(
    name: str, tmp_path: Path
) -> None:
    with pytest.raises(RuleViolation) as error:
        MailSettings.from_env(tmp_path, {name: "a@x.ru, b@x.ru"})

    assert error.value.field == name


def test_the_report_mailbox_is_checked_as_it_is_read() -> None:
    with pytest.raises(RuleViolation) as error:
        env_email({"SROK_REPORT_EMAIL": "deputy@x.ru\r\nBcc: y@z.ru"}, "SROK_REPORT_EMAIL")

    assert error.value.field == "SROK_REPORT_EMAIL"
    assert env_email({}, "SROK_REPORT_EMAIL") is None
