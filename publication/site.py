"""Write a publication into its own folder atomically and point `current` at it."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

CURRENT = "current"


def write_publication(out: Path, folder: str, files: dict[str, bytes]) -> Path:
    """Write ``files`` into ``out/folder`` (aside first, then renamed into place).

    Re-writing the same folder replaces it whole; no reader ever sees half of it.
    """
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder}-", dir=out))
    try:
        for name, data in sorted(files.items()):
            with open(staging / name, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(staging, 0o755)
        target = out / folder
        if target.exists():
            old = out / f".{folder}-old"
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out / folder


def point_current(out: Path, folder: str) -> None:
    """Swap the stable `current` link to ``folder`` in one rename."""
    link = out / f".{CURRENT}-new"
    link.unlink(missing_ok=True)
    os.symlink(folder, link)
    os.replace(link, out / CURRENT)


def current_rows(out: Path) -> list[dict[str, object]] | None:
    """Read the rows of the publication `current` points to, if any."""
    path = out / CURRENT / "registry.json"
    if not path.exists():
        return None
    return list(json.loads(path.read_text(encoding="utf-8"))["rows"])


def current_quarter(out: Path) -> str | None:
    """Read the quarter of the publication `current` points to, if any."""
    path = out / CURRENT / "registry.json"
    if not path.exists():
        return None
    return str(json.loads(path.read_text(encoding="utf-8"))["quarter"])
