"""`srok moderation classify`: standard input in, flags out; once end to end in a subprocess."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import dataclass

import pytest

from cli.app import run


@dataclass
class Done:
    returncode: int
    stdout: bytes
    stderr: bytes


@pytest.fixture
def classify(monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]):
    """Run the command in this process with ``data`` as its standard input."""

    def classify(data: bytes, *args: str) -> Done:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        code = run(["moderation", "classify", *args])
        out, err = capsysbinary.readouterr()
        return Done(code, out, err)

    return classify


def test_json_lists_every_comment_with_its_flags_and_masks_personal_data(classify) -> None:
    lines = "Спасибо за сквер\nЗвоните 8-913-123-45-67\n\nПоставьте лайк!\n"

    done = classify(lines.encode(), "--json")

    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout) == [
        {"text": "Спасибо за сквер", "flags": []},
        {
            "text": "Звоните *-***-***-**-67",
            "flags": [
                {
                    "category": "personal_data",
                    "fragment": "*-***-***-**-67",
                    "rule": "personal_data.phone",
                }
            ],
        },
        {
            "text": "Поставьте лайк!",
            "flags": [
                {
                    "category": "engagement",
                    "fragment": "Поставьте лайк",
                    "rule": "engagement.request",
                }
            ],
        },
    ]
    assert b"123-45" not in done.stdout + done.stderr


def test_text_output_names_the_line_the_category_and_the_rule_in_russian(classify) -> None:
    done = classify("Спасибо\nну и х у й\n".encode())

    out = done.stdout.decode()
    assert done.returncode == 0
    assert "2: ну и х у й" in out
    assert "ненормативная лексика: «х у й»" in out
    assert "комментариев: 2, отмечено: 1" in out


def test_input_that_is_not_utf8_exits_2_naming_the_line_and_the_clause() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cli", "moderation", "classify", "--json"],
        input="Спасибо\n".encode() + "Привет".encode("cp1251") + b"\n",
        capture_output=True,
        timeout=120,
    )

    assert done.returncode == 2
    error = json.loads(done.stdout)["error"]
    assert error["field"] == "stdin"
    assert error["clause"] == "2.5"
    assert "строка 2" in error["message"]
