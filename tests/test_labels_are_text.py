"""Issue 25 item 3: labels are text in every output — no reordering controls, no live Markdown links."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, write
from piflow.cli import app

runner = CliRunner()


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2067", "\u2069"])
def test_a_bidirectional_control_is_refused_where_it_is(tmp_path, char):
    path = write(tmp_path, MINIMAL.replace("text: 抽出", f"text: 抽{char}出"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    line = MINIMAL.count("\n", 0, MINIMAL.index("抽出")) + 1
    assert re.search(rf":{line}:\d+: エラー\[P003\] .*文字の並ぶ向きを変える制御文字 \(U\+{ord(char):04X}\)", result.output)


# File names from every payload, and Markdown without a live link from any of them: the label corpus
# (tests/hostile/labels.txt, tests/test_hostile_labels.py).
