"""Hostile text in the documents piflow writes (issue 14, items 2, 3, 4 and 6's writer parts)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile

import pytest
from typer.testing import CliRunner

from conftest import MINIMAL, write
from piflow.cli import app

runner = CliRunner()
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed (make setup installs it)")


def flow_with_vendor(tmp_path, name: str, title: str = "テスト事業"):
    # The vendor declares a measure, so its name also lands in the evidence cells.
    text = MINIMAL.replace("    name: 委託先\n    role: 委託先\n",
                           f"    name: {name!r}\n    role: 委託先\n    measures: [特記事項等の遵守]\n")
    return write(tmp_path, text.replace("title: テスト事業", f"title: {title!r}"))


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_csv_cells_never_start_a_formula(tmp_path, prefix):
    flow = flow_with_vendor(tmp_path, f'{prefix}HYPERLINK("http://x","y")')
    out = tmp_path / "c.csv"
    assert runner.invoke(app, ["checklist", str(flow), "-f", "csv", "-o", str(out)]).exit_code == 0
    cells = [c for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for c in row]
    assert any("HYPERLINK" in c for c in cells)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert f"'{prefix}HYPERLINK" in "".join(cells)  # kept, but as text


def test_safe_cell_quotes_tab_and_carriage_return_too():
    from piflow.writers.checklist_out import safe_cell

    assert [safe_cell(t) for t in ("\t=1", "\r=1", "=1", "委託先", "－（理由）")] == ["'\t=1", "'\r=1", "'=1", "委託先",
                                                                                  "－（理由）"]


def test_xlsx_writes_text_never_formulas(tmp_path):
    from openpyxl import load_workbook

    flow = flow_with_vendor(tmp_path, '=HYPERLINK("http://x","y")')
    out = tmp_path / "c.xlsx"
    assert runner.invoke(app, ["checklist", str(flow), "-f", "xlsx", "-o", str(out)]).exit_code == 0
    with zipfile.ZipFile(out) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not [s for s in sheets if "<f>" in s or "<f " in s]
    cells = [c for ws in load_workbook(out) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    hostile = [c for c in cells if c.value.startswith("=")]
    assert hostile and all(c.data_type == "s" and c.quotePrefix for c in hostile)


def test_xlsx_sheet_titles_are_valid_and_unique(tmp_path):
    from openpyxl import load_workbook

    from piflow.writers.checklist_xlsx import sheet_title

    flow = flow_with_vendor(tmp_path, "委託先[未定]?*\\/:")
    out = tmp_path / "c.xlsx"
    assert runner.invoke(app, ["checklist", str(flow), "-f", "xlsx", "-o", str(out)]).exit_code == 0
    titles = load_workbook(out).sheetnames
    assert all(len(t) <= 31 and not re.search(r"[\[\]?*\\/:]", t) for t in titles), titles
    used: set[str] = set()
    made = [sheet_title("x" * 40, used) for _ in range(12)] + [sheet_title("X" * 40, used), sheet_title("'a'", used)]
    assert len({m.casefold() for m in made}) == len(made) and all(len(m) <= 31 for m in made)
    assert made[-1] == "a"


def test_markdown_checklist_escapes_raw_html(tmp_path):
    flow = flow_with_vendor(tmp_path, "<script>alert(1)</script>")
    out = tmp_path / "c.md"
    assert runner.invoke(app, ["checklist", str(flow), "-f", "md", "-o", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "<script" not in text.lower() and "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in text


@needs_dot
def test_report_index_links_are_relative_paths(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    write(src, MINIMAL, "javascript:alert(1).yaml")
    write(src, MINIMAL, "b c#?.yaml")
    result = runner.invoke(app, ["report", str(src), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]*)"', index)
    # ? and : never reach an output name (Windows refuses them); what remains is percent-encoded
    assert sorted(hrefs) == ["./b%20c%23.html", "./javascript_alert%281%29.html"]


@needs_dot
def test_docx_title_property_is_cut_below_words_limit(tmp_path):
    from docx import Document

    flow = flow_with_vendor(tmp_path, "委託先", title="長い件名" * 75)  # 300 characters
    out = tmp_path / "r.docx"
    result = runner.invoke(app, ["report", str(flow), "-f", "docx", "--dpi", "72", "-o", str(out)])
    assert result.exit_code == 0, result.output
    title = Document(out).core_properties.title
    assert 0 < len(title) <= 255 and title.startswith("長い件名")



@needs_dot
def test_every_html_output_forbids_scripts_and_loads(tmp_path):
    """Issue 25 item 2: the HTML a section opens carries a Content-Security-Policy that runs nothing and loads
    nothing (no script, no external or local file), whatever a flow or a theme put into it."""
    src = tmp_path / "flows"
    src.mkdir()
    write(src, MINIMAL, "a.yaml")
    write(src, MINIMAL, "b.yaml")
    for args in (["report", str(src), "-o", str(tmp_path / "r")], ["report", str(src), "--review", "-o", str(tmp_path / "r")],
                 ["checklist", str(src), "-f", "html", "-o", str(tmp_path / "c")]):
        assert runner.invoke(app, args).exit_code in (0, 1)
    made = sorted(tmp_path.rglob("*.html"))
    assert {p.name for p in made} >= {"index.html", "index.review.html", "a.html", "a.review.html", "a.checklist.html"}
    for page in made:
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
                "img-src data:; base-uri 'none'; form-action 'none'\">") in head, page.name
