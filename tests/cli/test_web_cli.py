"""`srok user add` and `srok token create`: passwords from stdin only, never echoed."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.cli.test_cli import Srok, city, srok  # noqa: F401  (fixtures)


def _user_add(cli: Srok, *args: str, password: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", "user", "add", *args, "--password-stdin", "--json"],
        env=cli.env,
        input=password + "\n",
        text=True,
        capture_output=True,
        timeout=60,
    )


def test_a_user_is_added_with_the_password_from_stdin_and_gets_a_token(city: Srok) -> None:  # noqa: F811
    added = _user_add(
        city,
        "--login",
        "kultura",
        "--role",
        "specialist",
        "--organ",
        "1",
        "--specialist",
        "1",
        password="a long enough password",
    )

    token = city.json("token", "create", "--user", "kultura")

    assert added.returncode == 0 and json.loads(added.stdout) == {"id": 1}
    assert token["token"].startswith("srok_")
    assert "a long enough password" not in added.stdout + added.stderr


def test_a_short_password_and_a_specialist_without_organ_exit_2_naming_the_field(
    city: Srok,  # noqa: F811
) -> None:
    short = _user_add(city, "--login", "x", "--role", "it", password="short")
    no_organ = _user_add(city, "--login", "y", "--role", "specialist", password="long enough pw")

    assert short.returncode == no_organ.returncode == 2
    assert json.loads(short.stdout)["error"]["field"] == "--password-stdin"
    assert json.loads(no_organ.stdout)["error"]["field"] == "--organ"
    assert "short" not in short.stderr
