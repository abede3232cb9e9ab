"""The installation's secret and what it signs."""

from __future__ import annotations

import stat
from pathlib import Path

from services.signing import secret_key, sign, unsign


def test_the_secret_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    first = secret_key(tmp_path, env={})
    second = secret_key(tmp_path, env={})

    assert first == second and len(first) >= 32
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_the_environment_overrides_the_file(tmp_path: Path) -> None:
    assert secret_key(tmp_path, env={"SROK_SECRET_KEY": "from-env"}) == b"from-env"
    assert not (tmp_path / "secret_key").exists()


def test_a_value_signed_for_one_purpose_is_nothing_for_another() -> None:
    token = sign({"u": 1}, secret=b"s", purpose="session")

    assert unsign(token, secret=b"s", purpose="session") == {"u": 1}
    assert unsign(token, secret=b"s", purpose="action-link") is None
    assert unsign(token, secret=b"other", purpose="session") is None
    assert unsign(token + "x", secret=b"s", purpose="session") is None
