"""`srok backup` and `srok restore`: one file that brings srok back, audit head and all.

The file is a gzipped tar: ``manifest.json`` (schema revision, the audit head
at the moment of the copy, what is inside), the database (``srok.sqlite`` made
by SQLite's online backup API, or ``srok.pgdump`` by ``pg_dump`` in custom
format, both consistent while srok keeps writing), ``calendar.toml`` and the
audit anchors when they exist. The secret key is left out unless asked for
(``--with-secret-key``): it lets whoever holds it forge one-click links and
sessions, and losing it costs only that people sign in again and that links
in letters already sent stop working. The file is written with mode 0600.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from domain.errors import EnvironmentFault, RuleViolation
from services import backup_postgres as pg
from services.app import SCHEMA_HEAD, Srok
from services.audit import head
from services.files import file_fault
from services.signing import SECRET_FILE

FORMAT = "srok-backup"
VERSION = 1
DATABASE_FILES = {"sqlite": "srok.sqlite", "postgresql": "srok.pgdump"}
MANIFEST = {"database": str, "revision": str, "head_id": int, "head_hash": str}
MANIFEST |= {"files": list, "created_at": str}


@dataclass(frozen=True)
class BackupInfo:
    """What a backup holds: its schema revision, the audit head, the files inside."""

    path: str
    revision: str
    head_id: int
    head_hash: str
    database: str  # sqlite or postgresql
    files: list[str]
    created_at: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def words(self) -> str:
        return (
            f"ревизия схемы {self.revision}; журнал: запись № {self.head_id}, "
            f"SHA-256 {self.head_hash}; в копии: {', '.join(self.files)}"
        )


def make_backup(app: Srok, *, out: Path, with_secret_key: bool = False) -> BackupInfo:
    """Write a consistent copy of srok's data to ``out`` (a new file, never overwritten)."""
    if out.exists():
        raise RuleViolation("--out", f"«{out}» уже существует: резервная копия не перезаписывается")
    revision = app.schema_revision()
    if revision is None:
        raise RuleViolation("database", "база пуста: копировать нечего")
    with tempfile.TemporaryDirectory(prefix="srok-backup-") as work:
        folder = Path(work)
        if app.sqlite_file() is not None:
            kind, name = "sqlite", "srok.sqlite"
            head_id, head_hash = _sqlite_copy(app, folder / name)
        else:
            kind, name = "postgresql", "srok.pgdump"
            head_id, head_hash = pg.dump(app.settings.database_url, folder / name)
        files = {name: folder / name}
        extras = {
            "calendar.toml": app.settings.calendar_file,
            "audit-head.txt": app.settings.anchors,
        }
        if with_secret_key:
            extras[SECRET_FILE] = app.settings.home / SECRET_FILE
        files.update({k: v for k, v in extras.items() if v.is_file()})
        if "audit-head.txt" in files:  # anchors written after the copy would point past its end
            files["audit-head.txt"] = _anchors_upto(files["audit-head.txt"], head_id, folder)
        info = BackupInfo(
            path=str(out),
            revision=revision,
            head_id=head_id,
            head_hash=head_hash,
            database=kind,
            files=sorted(files),
            created_at=datetime.now(UTC).isoformat(),
        )
        _write_archive(out, info, files)
    return info


def _sqlite_copy(app: Srok, target: Path) -> tuple[int, str]:
    """Copy the live database page by page (SQLite's online backup API); read its head."""
    source_path = app.sqlite_file()
    assert source_path is not None
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    engine = sa.create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            return head(conn)
    finally:
        engine.dispose()


def _anchors_upto(anchors: Path, head_id: int, folder: Path) -> Path:
    """Keep the anchor lines of entries the copy holds (``DATE ID:HASH``)."""
    kept = []
    for line in anchors.read_text(encoding="utf-8").splitlines(keepends=True):
        number = line.partition(" ")[2].partition(":")[0]
        if not number.isdigit() or int(number) <= head_id:
            kept.append(line)
    target = folder / "audit-head.txt"
    target.write_text("".join(kept), encoding="utf-8")
    return target


def _write_archive(out: Path, info: BackupInfo, files: dict[str, Path]) -> None:
    """Write to a temporary file beside ``out``, then rename: a copy is whole or absent."""
    manifest = {"format": FORMAT, "version": VERSION, **info.as_dict()}
    manifest.pop("path")
    fd, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.absolute().parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            with tarfile.open(fileobj=handle, mode="w:gz", compresslevel=6) as archive:
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                entry = tarfile.TarInfo("manifest.json")
                entry.size, entry.mode = len(data), 0o600
                archive.addfile(entry, io.BytesIO(data))
                for name, path in sorted(files.items()):
                    archive.add(path, arcname=name, recursive=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_manifest(archive: tarfile.TarFile, source: Path) -> dict[str, Any]:
    """Read and check the manifest: a file that is not a srok backup is refused, named."""
    try:
        member = archive.extractfile("manifest.json")
        manifest = json.loads(member.read()) if member else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RuleViolation("FILE", f"«{source}» — не резервная копия srok")
    if manifest.get("version") != VERSION:
        raise RuleViolation(
            "FILE", f"«{source}»: версия копии {manifest.get('version')}, srok читает {VERSION}"
        )
    for name, kind in MANIFEST.items():
        if not isinstance(manifest.get(name), kind):
            raise RuleViolation(
                "FILE", f"«{source}»: в описании копии нет поля «{name}»: копия повреждена"
            )
    if manifest["database"] not in DATABASE_FILES:
        raise RuleViolation("FILE", f"«{source}»: неизвестный вид базы «{manifest['database']}»")
    from models.db import known_revisions

    if manifest["revision"] not in known_revisions():
        raise RuleViolation(
            "FILE",
            f"«{source}» сделана более новой версией srok (ревизия схемы {manifest['revision']}, "
            f"эта версия знает до {SCHEMA_HEAD}): обновите srok и повторите восстановление",
        )
    return manifest


def _check_copy(folder: Path, manifest: dict[str, Any], source: Path) -> None:
    """Refuse a copy whose database is missing, damaged, or ends elsewhere than the manifest says.

    Done before the target is touched: a restore that cannot finish must not
    have replaced the city's data first.
    """
    copy = folder / DATABASE_FILES[manifest["database"]]
    if not copy.is_file() or copy.stat().st_size == 0:
        raise RuleViolation(
            "FILE", f"«{source}»: в копии нет файла базы {copy.name}: копия неполна"
        )
    if manifest["database"] != "sqlite":
        return  # pg_restore reads the custom format itself; the head is compared after it
    engine = sa.create_engine(f"sqlite:///file:{copy}?mode=ro&uri=true")
    try:
        with engine.connect() as conn:
            ok = conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            found = head(conn) if ok else None
    except sa.exc.DBAPIError:
        found = None
    finally:
        engine.dispose()
    if found is None:
        raise RuleViolation("FILE", f"«{source}»: файл базы в копии повреждён")
    if found != (manifest["head_id"], manifest["head_hash"]):
        raise RuleViolation(
            "FILE",
            f"«{source}»: журнал в копии кончается записью № {found[0]}, "
            f"а в описании копии № {manifest['head_id']}: копия повреждена",
        )


def restore_backup(app: Srok, *, source: Path, force: bool = False) -> BackupInfo:
    """Restore a backup into an empty database (any database with ``force``); check its head."""
    with tempfile.TemporaryDirectory(prefix="srok-restore-") as work:
        try:
            with tarfile.open(source, mode="r:gz") as archive:
                manifest = read_manifest(archive, source)
                archive.extractall(work, filter="data")
        except tarfile.FilterError:
            raise RuleViolation(
                "FILE", f"«{source}»: в копии есть файл с путём вне её папки: копия подделана"
            ) from None
        except (tarfile.TarError, EOFError, zlib.error):
            raise RuleViolation(
                "FILE", f"«{source}» — не копия srok или копия обрезана: архив не читается"
            ) from None
        except OSError as error:
            if error.filename is None:
                error.filename = str(source)
            raise RuleViolation("FILE", file_fault(error).message) from None
        folder = Path(work)
        _check_copy(folder, manifest, source)
        sqlite_target = app.sqlite_file()
        if (manifest["database"] == "sqlite") != (sqlite_target is not None):
            theirs = "SQLite" if manifest["database"] == "sqlite" else "PostgreSQL"
            raise RuleViolation(
                "SROK_DATABASE_URL", f"копия сделана с {theirs}: укажите базу того же вида"
            )
        if not force and not _empty(app):
            raise RuleViolation(
                "SROK_DATABASE_URL",
                "база не пуста: восстановление её заменит; укажите --force, если это и нужно",
            )
        if sqlite_target is not None:
            _sqlite_restore(folder / "srok.sqlite", sqlite_target)
        else:
            app.close()
            pg.restore(app.settings.database_url, folder / "srok.pgdump", clean=force)
        _restore_files(app, folder, manifest["files"], force=force)
    app.close()
    with app.engine.connect() as conn:
        head_id, head_hash = head(conn)
    if (head_id, head_hash) != (manifest["head_id"], manifest["head_hash"]):
        raise EnvironmentFault(
            "FILE",
            f"после восстановления журнал кончается записью № {head_id}, "
            f"а в копии № {manifest['head_id']}: копия неполна",
        )
    return BackupInfo(
        path=str(source),
        revision=manifest["revision"],
        head_id=head_id,
        head_hash=head_hash,
        database=manifest["database"],
        files=manifest["files"],
        created_at=manifest["created_at"],
    )


def _empty(app: Srok) -> bool:
    path = app.sqlite_file()
    if path is not None and not path.exists():
        return True
    with app.engine.connect() as conn:
        return not sa.inspect(conn).get_table_names()


def _sqlite_restore(copy: Path, target: Path) -> None:
    """Write the copy into the target file through the backup API (readers see old or new)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(copy)
    destination = sqlite3.connect(target, timeout=30)
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()


def _restore_files(app: Srok, folder: Path, names: list[str], *, force: bool) -> None:
    """Put back calendar.toml, the anchors and the key; an existing one stays unless forced."""
    places = {
        "calendar.toml": app.settings.calendar_file,
        "audit-head.txt": app.settings.anchors,
        SECRET_FILE: app.settings.home / SECRET_FILE,
    }
    for name, place in places.items():
        if name not in names or (place.exists() and not force):
            continue
        place.parent.mkdir(parents=True, exist_ok=True)
        data = (folder / name).read_bytes()
        fd = os.open(place, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
