"""deploy/: the systemd units verify, and the environment template lists every setting, no secret."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from services.doctor import SECRET_VARIABLES
from services.mail import MailSettings, check_channel
from services.settings import Settings

ROOT = Path(__file__).parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))
SOURCES = [
    "services",
    "web",
    "directory",
    "notifications",
    "flows",
    "cli",
    "publication",
    "networks",
]


def read_env(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def settings_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(re.findall(r"\b(SROK_[A-Z_]*[A-Z])\b", path.read_text(encoding="utf-8")))
    return names


def test_the_template_lists_every_setting_srok_reads_except_the_secrets() -> None:
    listed = set(read_env(DEPLOY / "srok.env")) | set(read_env(DEPLOY / "secrets.env.example"))
    read = settings_read_by_the_code() - {"SROK_CHECKOUT"}  # set by the worker's unit

    assert read - listed == set()


def test_no_secret_is_in_the_template_and_the_secrets_example_holds_no_value() -> None:
    template = read_env(DEPLOY / "srok.env")
    secrets = read_env(DEPLOY / "secrets.env.example")

    assert set(SECRET_VARIABLES) & set(template) == set()
    assert not [n for n in template if "PASSWORD" in n and not n.endswith(("_FILE", "_BLOCK"))]
    assert not [n for n in template if "SECRET" in n or "AUTH_STRING" in n]
    assert {n: v for n, v in secrets.items() if v and "PASSWORD@" not in v} == {}


def test_srok_accepts_the_template_as_it_stands() -> None:
    env = read_env(DEPLOY / "srok.env")

    settings = Settings.from_env(env)
    mail = MailSettings.from_env(settings.home, env)
    check_channel(mail, env)

    assert settings.database_url.startswith("postgresql://")
    assert (mail.channel, str(settings.home)) == ("smtp", "/var/lib/srok")


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="no systemd-analyze here")
def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """The units name /opt/srok; verified here with this checkout in its place."""
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8")
        text = text.replace("/etc/srok/srok.env", str(DEPLOY / "srok.env"))
        (tmp_path / unit.name).write_text(text.replace("/opt/srok", str(ROOT)))

    done = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.glob("*.service"))],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert [u.name for u in UNITS] == [
        "srok-prefect-server.service",
        "srok-web.service",
        "srok-worker.service",
    ]
    assert (done.returncode, done.stderr) == (0, "")
