"""Bad input to `srok moderation …` names the field and п. 2.5, exits 2, writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.app import run
from tests.conftest import copy_database


@pytest.fixture
def home(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy_database(sqlite_template, tmp_path)
    monkeypatch.setenv("SROK_HOME", str(tmp_path))
    monkeypatch.setenv("SROK_TODAY", "2026-12-01")
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ["moderation", "list", "--organ", "99"],
        ["moderation", "sync", "--organ", "99"],
        ["moderation", "decide", "99", "removed"],
        ["moderation", "file", "99", "offtopic"],
    ],
    ids=lambda a: " ".join(a[1:]),
)
def test_an_organ_or_comment_that_does_not_exist_is_refused_citing_the_clause(
    home: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code = run(args)

    err = capsys.readouterr().err
    assert code == 2
    assert "(п. 2.5)" in err
