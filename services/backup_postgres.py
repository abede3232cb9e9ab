"""PostgreSQL's half of backups: `pg_dump` and `pg_restore` in custom format.

The dump runs on a snapshot exported from a repeatable-read transaction in
which srok also reads the audit head, so the head printed is exactly the
dump's, however busy srok is meanwhile. pg_dump refuses a server newer than
itself; that, and a missing pg_dump, are said in words with what to install.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import sqlalchemy as sa

from domain.errors import EnvironmentFault
from models.db import make_engine
from services.audit import head


def libpq_url(url: str) -> str:
    """The URL as libpq reads it: no SQLAlchemy driver suffix."""
    scheme, _, rest = url.partition("://")
    return f"postgresql://{rest}" if scheme.startswith("postgresql") else url


def tool(name: str, server_major: int | None = None) -> str:
    """Find ``pg_dump`` or ``pg_restore``; refuse one older than the server, saying what to do."""
    path = shutil.which(name)
    if path is None:
        raise EnvironmentFault(
            name,
            f"{name} не найден: установите клиент PostgreSQL той же или новее версии, что и "
            "сервер (Debian: `apt-get install postgresql-client`)",
        )
    if server_major is not None:
        text = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
        match = re.search(r"(\d+)(?:\.\d+)?", text)
        major = int(match.group(1)) if match else 0
        if major < server_major:
            raise EnvironmentFault(
                name,
                f"{name} версии {major} старше сервера PostgreSQL {server_major}: установите "
                f"postgresql-client-{server_major} (или новее)",
            )
    return path


def _server_major(conn: sa.Connection) -> int:
    return int(conn.execute(sa.text("SHOW server_version_num")).scalar_one()) // 10000


def dump(url: str, target: Path) -> tuple[int, str]:
    """Dump the database at one snapshot; return the audit head that snapshot holds."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
                head_id, head_hash = head(conn)
                program = tool("pg_dump", _server_major(conn))
                done = subprocess.run(
                    [
                        program,
                        "--format=custom",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        f"--file={target}",
                        f"--dbname={libpq_url(url)}",
                    ],
                    capture_output=True,
                    text=True,
                )
    finally:
        engine.dispose()
    if done.returncode != 0:
        raise EnvironmentFault("pg_dump", _first_line(done.stderr))
    return head_id, head_hash


def restore(url: str, source: Path, *, clean: bool) -> None:
    """Load a custom-format dump in one transaction: all of it, or nothing."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            program = tool("pg_restore", None)
            _ = _server_major(conn)  # the server answers before anything is run
    finally:
        engine.dispose()
    command = [program, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if clean:
        command += ["--clean", "--if-exists"]
    done = subprocess.run(
        [*command, f"--dbname={libpq_url(url)}", str(source)], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise EnvironmentFault("pg_restore", _first_line(done.stderr))


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "завершился с ошибкой"
