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
    # Rule keys, positions and English hints only inside the author's collapsed details.
    council = re.sub(r"<details.*?</details>", "", outside_svg, flags=re.S)
    assert "M104@" in html and "M104@" not in council and "flows/49-kosodate-ouen-teate.yaml:" not in council
    assert "missing data encrypted" not in council and "根拠:" not in html
    assert "break-after: avoid" in html and "page: figure" in html
