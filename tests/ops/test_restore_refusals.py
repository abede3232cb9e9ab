"""A restore that cannot bring the city back whole refuses before it writes a byte."""

from __future__ import annotations

import io
import json
import re
import tarfile
from pathlib import Path

import pytest

from cli.app import run
from tests.ops.databases import every_row
from tests.ops.test_backup import add_an_organ, opened, srok_json, use


@pytest.fixture
def made(tmp_path: Path) -> Path:
    """A real backup of a small SQLite city."""
    home = tmp_path / "city"
    home.mkdir()
    with opened(home, f"sqlite:///{home / 'srok.db'}") as app:
        app.init()
        add_an_organ(app, "Комитет по культуре")
        from services.backup import make_backup

        make_backup(app, out=tmp_path / "city.srok")
    return tmp_path / "city.srok"


def rewritten(source: Path, target: Path, *, manifest=None, members=None, drop=()) -> Path:  # type: ignore[no-untyped-def]
    """Copy a backup, changing (or dropping) its manifest's fields, replacing or adding members."""
    with tarfile.open(source, "r:gz") as archive:
        contents = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}  # type: ignore[union-attr]
    data = {**json.loads(contents["manifest.json"]), **(manifest or {})}
    for name in drop:
        data.pop(name)
    contents["manifest.json"] = json.dumps(data).encode()
    contents.update(members or {})
    with tarfile.open(target, "w:gz") as archive:
        for name, body in contents.items():
            entry = tarfile.TarInfo(name)
            entry.size = len(body)
            archive.addfile(entry, io.BytesIO(body))
    return target


@pytest.fixture
def lived_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A second city with data of its own, where `srok` now points."""
    home = tmp_path / "other"
    home.mkdir()
    with opened(home, f"sqlite:///{home / 'srok.db'}") as app:
        app.init()
        add_an_organ(app, "Комитет, которого нет в копии")
    use(monkeypatch, home, f"sqlite:///{home / 'srok.db'}")
    return home


def test_a_backup_from_a_newer_srok_is_refused_naming_its_revision(
    made: Path, lived_in: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = rewritten(made, tmp_path / "newer.srok", manifest={"revision": "0042_future"})
    before = every_row(f"sqlite:///{lived_in / 'srok.db'}")

    code, data = srok_json(capsys, "restore", str(newer), "--force")

    assert code == 2
    assert data["error"]["field"] == "FILE" and "0042_future" in data["error"]["message"]
    assert every_row(f"sqlite:///{lived_in / 'srok.db'}") == before


@pytest.mark.parametrize(
    "database",
    [b"not a database at all" * 100, b""],
    ids=["garbage", "empty"],
)
def test_a_backup_whose_database_is_damaged_is_refused_and_the_target_kept(
    made: Path,
    lived_in: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    database: bytes,
) -> None:
    damaged = rewritten(made, tmp_path / "damaged.srok", members={"srok.sqlite": database})
    before = every_row(f"sqlite:///{lived_in / 'srok.db'}")

    code, data = srok_json(capsys, "restore", str(damaged), "--force")

    assert code == 2
    assert data["error"]["field"] == "FILE"
    assert every_row(f"sqlite:///{lived_in / 'srok.db'}") == before


def test_a_backup_without_its_database_is_refused_and_the_target_kept(
    made: Path, lived_in: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with tarfile.open(made, "r:gz") as archive:
        manifest = archive.extractfile("manifest.json").read()  # type: ignore[union-attr]
    hollow = tmp_path / "hollow.srok"
    with tarfile.open(hollow, "w:gz") as archive:
        entry = tarfile.TarInfo("manifest.json")
        entry.size = len(manifest)
        archive.addfile(entry, io.BytesIO(manifest))
    before = every_row(f"sqlite:///{lived_in / 'srok.db'}")

    code, data = srok_json(capsys, "restore", str(hollow), "--force")

    assert code == 2 and data["error"]["field"] == "FILE"
    assert every_row(f"sqlite:///{lived_in / 'srok.db'}") == before


@pytest.mark.parametrize("drop", ["database", "head_id", "revision", "files"])
def test_a_manifest_missing_a_field_is_refused_by_name(
    made: Path,
    lived_in: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    drop: str,
) -> None:
    broken = rewritten(made, tmp_path / "broken.srok", drop=[drop])

    code, answer = srok_json(capsys, "restore", str(broken), "--force")

    assert code == 2 and answer["error"]["field"] == "FILE"


def test_a_truncated_backup_is_refused_and_nothing_is_created(
    made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cut = tmp_path / "cut.srok"
    cut.write_bytes(made.read_bytes()[: made.stat().st_size // 2])
    use(monkeypatch, tmp_path / "fresh", f"sqlite:///{tmp_path / 'fresh' / 'srok.db'}")

    code, data = srok_json(capsys, "restore", str(cut))

    assert code == 2 and data["error"]["field"] == "FILE"
    assert not (tmp_path / "fresh" / "srok.db").exists()


def test_a_member_climbing_out_of_the_folder_is_refused_and_not_written(
    made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = rewritten(made, tmp_path / "evil.srok", members={"../../escaped.txt": b"x"})
    use(monkeypatch, tmp_path / "fresh", f"sqlite:///{tmp_path / 'fresh' / 'srok.db'}")

    code, data = srok_json(capsys, "restore", str(evil))

    assert code == 2 and data["error"]["field"] == "FILE"
    assert not list(tmp_path.parent.glob("**/escaped.txt"))


def test_a_folder_given_as_the_backup_is_refused_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use(monkeypatch, tmp_path / "fresh", f"sqlite:///{tmp_path / 'fresh' / 'srok.db'}")

    code, data = srok_json(capsys, "restore", str(tmp_path))
    out_code = run(["backup", "--out", str(tmp_path)])

    assert code == 2 and data["error"]["field"] == "FILE"
    assert out_code == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [("missing.srok", None), ("empty.srok", b""), ("plain.srok", b"SQLite format 3\x00" * 10)],
)
def test_an_unreadable_backup_is_refused_in_russian_only(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
) -> None:
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)
    use(monkeypatch, tmp_path / "fresh", f"sqlite:///{tmp_path / 'fresh' / 'srok.db'}")

    code, data = srok_json(capsys, "restore", str(source))

    words = data["error"]["message"].replace(str(source), "").replace("srok", "")
    assert code == 2 and data["error"]["field"] == "FILE"
    assert not re.search(r"[A-Za-z]{3,}", words), words
