"""Sign small records with the installation's secret: session cookies and one-click links.

A signed value is ``base64url(json).base64url(HMAC-SHA256)``; anything altered,
or signed with another secret or for another purpose, reads as None.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

SECRET_FILE = "secret_key"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, purpose: str, body: str) -> str:
    return _b64(hmac.new(secret, f"{purpose}:{body}".encode(), hashlib.sha256).digest())


def sign(data: dict[str, Any], *, secret: bytes, purpose: str) -> str:
    """Return ``data`` signed for one purpose (a cookie cannot be replayed as a link)."""
    body = _b64(json.dumps(data, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_mac(secret, purpose, body)}"


def unsign(token: str, *, secret: bytes, purpose: str) -> dict[str, Any] | None:
    """Return the signed record, or None for anything forged, altered or malformed."""
    body, _, mac = token.partition(".")
    if not body or not mac or not hmac.compare_digest(mac, _mac(secret, purpose, body)):
        return None
    try:
        data = json.loads(_unb64(body))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def secret_key(home: Path, env: dict[str, str] | None = None) -> bytes:
    """Return SROK_SECRET_KEY, or the key generated into $SROK_HOME on first use (mode 0600)."""
    environ = os.environ if env is None else env
    given = environ.get("SROK_SECRET_KEY")
    if given:
        return given.encode()
    path = home / SECRET_FILE
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: read theirs
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()
