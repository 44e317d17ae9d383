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
    # The filed paper: the figures, then the checklists (no overview or audit pages before them).
    assert kinds == ["landscape", "landscape", "landscape", "portrait"]
    for s in doc.sections:
        assert {round(s.page_width.mm), round(s.page_height.mm)} == {210, 297}
        margins = (s.left_margin, s.right_margin, s.top_margin, s.bottom_margin)
        if s.page_width > s.page_height:  # the figure pages: the 10 mm the figures are fitted to
            assert all(round(m.mm) == 10 for m in margins)
        else:
            assert all(Mm(14) <= m <= Mm(25) for m in margins)
        assert s.footer_distance < s.bottom_margin  # the page number sits inside the margin
    footer = doc.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    assert all(s.footer.is_linked_to_previous for s in doc.sections[1:])
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "監査の結果" not in body and "事業の概要" not in body
    # Each figure at its printed size (so its text stays at 7 pt or more), inside the page.
    from piflow.draw.style import load_style
    from piflow.loader import load
    from piflow.report import build

    figures = build(load(FLOW), [], load_style(None)).figures
    landscape = doc.sections[0]
    text_width = landscape.page_width - landscape.left_margin - landscape.right_margin
    text_height = landscape.page_height - landscape.top_margin - landscape.bottom_margin
    assert len(doc.inline_shapes) == len(figures) == 3
    for shape, fig in zip(doc.inline_shapes, figures):
        assert shape.width <= text_width and shape.height < text_height
        # A figure as tall as the printable area gives 2 mm to the picture's paragraph line.
        w, h = fig.size_mm
        assert shape.width.mm > min(w, w * (h - 2) / h) - 2.5, (fig.tag, shape.width.mm, fig.size_mm)


@needs_dot
def test_figures_only_docx_has_one_figure_per_landscape_page(tmp_path):
    from docx import Document

    out = tmp_path / "f.docx"
    result = runner.invoke(app, ["report", str(FLOW), "-f", "docx", "--figures-only", "--dpi", "72", "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = Document(out)
    assert len(doc.sections) == 3 and all(s.page_width > s.page_height for s in doc.sections)
    assert len(doc.inline_shapes) == 3 and not doc.tables
    # The figure carries its title and （資料xx-x）, as the papers print it: no caption repeats them;
    # the picture's alternative text names it.
    assert [p.text for p in doc.paragraphs if p.text] == []
    assert [s._inline.docPr.get("title") for s in doc.inline_shapes] == ["（資料49-1）", "（資料49-2）", "（資料49-3）"]
    assert 'w:instr="PAGE"' in doc.sections[0].footer._element.xml  # numbered like the paper


def test_figures_only_needs_docx(tmp_path):
    result = runner.invoke(app, ["report", str(FLOW), "--figures-only", "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and "--figures-only" in result.output
