"""Fixtures service tests share with the channel tests: a real SMTP server on loopback."""

from tests.notifications.conftest import smtp_server  # noqa: F401 (a fixture, used by name)
