"""The HTML report as the council and the author meet it (read from the HTML itself)."""

from __future__ import annotations

import re
import shutil

import pytest
from typer.testing import CliRunner

from conftest import FLOWS
from piflow.cli import app

runner = CliRunner()
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed (make setup installs it)")


@needs_dot
def test_html_report_for_the_council_and_the_author(tmp_path):
    out = tmp_path / "r.html"
    assert runner.invoke(app, ["report", str(FLOWS / "49-kosodate-ouen-teate.yaml"), "-o", str(out)]).exit_code == 0
    html = out.read_text(encoding="utf-8")
    outside_svg = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    # One title per figure: the figure draws its own; the page adds only the （資料xx-x） tag.
    assert "個人情報の流れ（プッシュ型）" not in re.sub(r'aria-label="[^"]*"', "", outside_svg)
    for k in (1, 2, 3):  # each figure can be opened full-window from a plain link (CSS :target)
        assert f'id="figure-{k}"' in html and f'href="#figure-{k}"' in html
    assert ".figure:target" in html and "<script" not in html.lower()
    # The filed paper holds no audit section, rule keys, positions or English hints: those are in
    # the review document (--review), with the evidence of every mark and the unanswered items.
    assert "M104@" not in html and "flows/49-kosodate-ouen-teate.yaml:" not in html and "監査の結果" not in html
    assert "missing data encrypted" not in html and "根拠:" not in html
    assert "break-after: avoid" in html and "page: figure" in html and "counter(page)" in html
    review = tmp_path / "r.review.html"
    result = runner.invoke(app, ["report", str(FLOWS / "49-kosodate-ouen-teate.yaml"), "--review", "-o", str(review)])
    assert result.exit_code == 0, result.output
    text = review.read_text(encoding="utf-8")
    assert "<svg" not in text and "監査の結果" in text and "未記入・未対応の項目" in text
    assert "M104@" in text and "flows/49-kosodate-ouen-teate.yaml:" in text and "missing data encrypted" in text
    assert "未対応" in text and "未完成" in text
