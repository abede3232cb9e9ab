"""`srok moderation classify` end to end, in a subprocess: standard input in, flags out."""

from __future__ import annotations

import json
import subprocess
import sys


def classify(data: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cli", "moderation", "classify", *args],
        input=data,
        capture_output=True,
        timeout=120,
    )


def test_json_lists_every_comment_with_its_flags_and_masks_personal_data() -> None:
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


def test_text_output_names_the_line_the_category_and_the_rule_in_russian() -> None:
    done = classify("Спасибо\nну и х у й\n".encode())

    out = done.stdout.decode()
    assert done.returncode == 0
    assert "2: ну и х у й" in out
    assert "ненормативная лексика: «х у й»" in out
    assert "комментариев: 2, отмечено: 1" in out


def test_input_that_is_not_utf8_exits_2_naming_the_line_and_the_clause() -> None:
    done = classify("Спасибо\n".encode() + "Привет".encode("cp1251") + b"\n", "--json")

    assert done.returncode == 2
    error = json.loads(done.stdout)["error"]
    assert error["field"] == "stdin"
    assert error["clause"] == "2.5"
    assert "строка 2" in error["message"]
