"""Issue 25 item 3: labels are text in every output — no reordering controls, no live Markdown links."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, write
from piflow.cli import app
from piflow.commands.common import safe_name

runner = CliRunner()


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2067", "\u2069"])
def test_a_bidirectional_control_is_refused_where_it_is(tmp_path, char):
    path = write(tmp_path, MINIMAL.replace("text: 抽出", f"text: 抽{char}出"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    line = MINIMAL.count("\n", 0, MINIMAL.index("抽出")) + 1
    assert re.search(rf":{line}:\d+: エラー\[P003\] .*文字の並ぶ向きを変える制御文字 \(U\+{ord(char):04X}\)", result.output)


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u0007", "/"])
def test_file_names_hold_no_control(char):
    name = safe_name(f"資料1{char}-1")
    assert char not in name and name.startswith("資料1")


LINKS = ["[申請はこちら](https://evil.example/)", "![画像](http://evil.example/x.png)", "www.evil.example",
         "<https://evil.example>", "[ref][1]\n\n[1]: https://evil.example"]


@pytest.mark.parametrize("label", LINKS, ids=range(len(LINKS)))
def test_markdown_output_holds_no_live_link(tmp_path, label):
    title = label.replace("\n", " ")
    text = MINIMAL.replace("title: テスト事業", f"title: \"{title}\"")
    flow = write(tmp_path, text)
    out = tmp_path / "out.md"
    result = runner.invoke(app, ["checklist", str(flow), "-f", "md", "-o", str(out)])
    assert result.exit_code == 0, result.output
    md = out.read_text(encoding="utf-8")
    assert "evil" in md  # the text is kept, as text
    assert not re.search(r"(?<!\\)\[[^\]]*(?<!\\)\]\(", md)  # no [text](url)
    assert "https://" not in md and "http://" not in md and "www.evil" not in md  # nothing to autolink
