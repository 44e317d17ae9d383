"""The Word report's structure: page setup, styles, language, tables (read from the DOCX itself)."""

from __future__ import annotations

import shutil
import zipfile

import pytest
from typer.testing import CliRunner

from conftest import FLOWS
from piflow.cli import app

runner = CliRunner()
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed (make setup installs it)")
FLOW = FLOWS / "49-kosodate-ouen-teate.yaml"


@pytest.fixture(scope="module")
def report_docx(tmp_path_factory):
    out = tmp_path_factory.mktemp("docx") / "r.docx"
    result = runner.invoke(app, ["report", str(FLOW), "-f", "docx", "--dpi", "72", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@needs_dot
def test_docx_sections_are_a4_portrait_with_a_landscape_page_per_figure(report_docx):
    from docx import Document
    from docx.shared import Mm

    doc = Document(report_docx)
    kinds = ["landscape" if s.page_width > s.page_height else "portrait" for s in doc.sections]
    assert kinds == ["portrait", "landscape", "landscape", "landscape", "portrait"]
    for s in doc.sections:
        assert {round(s.page_width.mm), round(s.page_height.mm)} == {210, 297}
        assert all(Mm(20) <= m <= Mm(25) for m in (s.left_margin, s.right_margin, s.top_margin, s.bottom_margin))
    # Each figure spans the landscape text width (or the height allows no more).
    landscape = doc.sections[1]
    text_width = landscape.page_width - landscape.left_margin - landscape.right_margin
    assert len(doc.inline_shapes) == 3
    text_height = landscape.page_height - landscape.top_margin - landscape.bottom_margin
    for shape in doc.inline_shapes:  # as large as the page allows: full width, or the height's limit
        assert shape.width <= text_width and shape.height < text_height
        assert shape.width > 0.97 * text_width or shape.height > 0.8 * text_height


@needs_dot
def test_docx_styles_fonts_and_language_are_japanese(report_docx):
    with zipfile.ZipFile(report_docx) as archive:
        styles = archive.read("word/styles.xml").decode()
        body = archive.read("word/document.xml").decode()
    assert 'w:eastAsia="ja-JP"' in styles and 'w:eastAsia="en-US"' not in styles
    assert 'w:eastAsia="游明朝"' in styles and 'w:eastAsia="游ゴシック"' in styles
    assert "majorHAnsi" not in styles.split('w:styleId="Heading1"')[1].split("</w:style>")[0]
    assert body.count("<w:tblHeader/>") == len(body.split("<w:tbl>")) - 1  # every table repeats its header row
    assert body.count('<w:pageBreakBefore/>') == 6  # one per checklist form (the first with its section heading)
    assert "相手方:" not in body and "M104@" not in body and "missing" not in body


@needs_dot
def test_docx_checklists_have_the_forms_columns(report_docx):
    from docx import Document

    tables = Document(report_docx).tables
    forms = [t for t in tables if t.rows[0].cells[1].text.startswith("・対策が可能であれば")]
    assert len(forms) == 6
    header = [c.text for c in forms[-1].rows[0].cells]
    assert header == ["区分", "・対策が可能であれば「○」\n・対策の必要がない場合は「－」", "個人情報保護対策"]
    assert forms[-1].rows[1].cells[0].text == "委託事業者に行わせる個人情報保護対策【運用上の対策】"
    assert "未対応" in [r.cells[1].text for r in forms[-1].rows]


@needs_dot
def test_figures_only_docx_has_one_captioned_figure_per_landscape_page(tmp_path):
    from docx import Document

    out = tmp_path / "f.docx"
    result = runner.invoke(app, ["report", str(FLOW), "-f", "docx", "--figures-only", "--dpi", "72", "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = Document(out)
    assert len(doc.sections) == 3 and all(s.page_width > s.page_height for s in doc.sections)
    assert len(doc.inline_shapes) == 3 and not doc.tables
    captions = [p.text for p in doc.paragraphs if p.text]
    assert captions == ["（資料49-1）", "（資料49-2）", "（資料49-3）"]


def test_figures_only_needs_docx(tmp_path):
    result = runner.invoke(app, ["report", str(FLOW), "--figures-only", "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and "--figures-only" in result.output
