"""The report as a Word document a section can paste into its proposal and file on A4.

Portrait sections for text and tables, one landscape section per figure page, with
the page margins the figure was fitted to, so it prints at its size (its text at
7 pt or more); Word's built-in styles (Word in Japanese shows them as 見出し 1–3
and 表 (格子)), Japanese fonts and ja-JP as the East Asian language; checklist
tables in the ward's form with their header row repeated on every page.
"""

from __future__ import annotations

import io
import struct
from datetime import datetime

from piflow.audit.finding import SEVERITY_JA
from piflow.report import Figure, Report
from piflow.writers.checklist_words import DIVISION_HEADER, MARK_HEADER, form_heading, form_subject
from piflow.writers.zipnorm import normalise

BODY_FONT = "游明朝"  # Word's Japanese default; LibreOffice on Linux falls back to Noto Serif CJK
HEADING_FONT = "游ゴシック"
A4 = (210, 297)  # mm
MARGIN_MM = 22
FIGURE_MARGIN_MM = 10  # the margins piflow.layout fits figures to
TITLE_LIMIT = 255  # Word's limit for core properties
STYLE_SIZES = {"Normal": (BODY_FONT, 10.5), "Title": (HEADING_FONT, 18), "Heading 1": (HEADING_FONT, 16),
               "Heading 2": (HEADING_FONT, 13), "Heading 3": (HEADING_FONT, 11), "Caption": (HEADING_FONT, 10),
               "Table Grid": (BODY_FONT, 9)}


def safe_title(title: str) -> str:
    """The title cut below Word's 255-character limit for document properties."""
    return title if len(title) <= TITLE_LIMIT else title[: TITLE_LIMIT - 1] + "…"


def _fonts(style, font: str, size_pt: float) -> None:
    """Name the Japanese font for every script (no theme fonts) and mark East Asian text as ja-JP."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):  # a theme font would override the named one
            del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), "ja-JP")
    lang.set(qn("w:eastAsia"), "ja-JP")
    style.font.size = Pt(size_pt)
    if style.name.startswith(("Heading", "Title", "Caption")):
        style.font.color.rgb = None  # black and upright, as on the ward's papers
        style.font.italic = False
        style.paragraph_format.keep_with_next = True


def _document_defaults(document) -> None:
    """ja-JP for East Asian text everywhere, including text without a style."""
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for lang in rpr.findall(qn("w:lang")):
        lang.set(qn("w:val"), "ja-JP")
        lang.set(qn("w:eastAsia"), "ja-JP")


def _page(section, landscape: bool, margin_mm: float) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    width, height = (A4[1], A4[0]) if landscape else A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(width), Mm(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(margin_mm))


def _new_section(document, landscape: bool) -> None:
    from docx.enum.section import WD_SECTION

    _page(document.add_section(WD_SECTION.NEW_PAGE), landscape, FIGURE_MARGIN_MM if landscape else MARGIN_MM)


def _repeat_header(row) -> None:
    """The first row repeats at the top of every page; no row splits across pages."""
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))


def _cant_split(row) -> None:
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:cantSplit"), {}))


def _table(document, header: list[str], rows: list[list[str]], widths_mm: list[float]):
    from docx.shared import Mm

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.bold = True
    _repeat_header(table.rows[0])
    for row in rows:
        new = table.add_row()
        _cant_split(new)
        for cell, text in zip(new.cells, row):
            cell.text = text
    # Word reads the cell widths, LibreOffice the grid columns: set both.
    table.autofit = False
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)
    return table


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _figure_page(document, fig: Figure) -> None:
    """A landscape page holding the figure at its printed size (its title and 資料 tag are in it)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    if not fig.png:
        return
    # Word keeps page sizes in twips and a picture's paragraph needs its line: stay inside.
    text_w = A4[1] - 2 * FIGURE_MARGIN_MM - 0.5
    text_h = A4[0] - 2 * FIGURE_MARGIN_MM - 2
    width, height = fig.size_mm
    width = min(width, text_w, text_h * width / height)
    shape = document.add_picture(io.BytesIO(fig.png), width=Mm(width))
    # The alternative text names the figure (screen readers, Word's search and navigation).
    shape._inline.docPr.set("descr", f"{fig.title}（{fig.tag}）")
    shape._inline.docPr.set("title", f"（{fig.tag}）")
    paragraph = document.paragraphs[-1]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = 0


def _new_document(title: str):
    from docx import Document as WordDocument

    document = WordDocument()
    _page(document.sections[0], landscape=False, margin_mm=MARGIN_MM)
    for name, (font, size) in STYLE_SIZES.items():
        _fonts(document.styles[name], font, size)
    _document_defaults(document)
    props = document.core_properties
    props.author, props.title = "piflow", safe_title(title)
    props.created = props.modified = datetime(2000, 1, 1)
    props.revision = 1
    return document


def _save(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return normalise(buf.getvalue())


def figures_docx(report: Report) -> bytes:
    """Just the figures, one per landscape page, to attach to a proposal.

    Each carries its title and （資料xx-x） at the top right, as the papers print them.
    """
    document = _new_document(report.doc.flow.proposal.title)
    _page(document.sections[0], landscape=True, margin_mm=FIGURE_MARGIN_MM)
    for k, fig in enumerate(report.figures):
        if k:
            _new_section(document, landscape=True)
        _figure_page(document, fig)
    return _save(document)


def _findings_rows(report: Report) -> list[list[str]]:
    """Findings for the council: severity, what, and the Japanese message (no rule keys or English)."""
    rows = []
    for f in report.findings:
        status = "例外" if f.excepted else "承認済み" if f.accepted else SEVERITY_JA[f.severity]
        text = f.message + (f"\n例外の根拠: {f.exception_basis}\n代わりの管理策: {'、'.join(f.exception_controls)}"
                            if f.excepted else f"\n承認の理由: {f.accepted_reason}" if f.approved else "")
        rows.append([status, f.subject.label, text])
    return rows


def _checklist(document, form, new_page: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    heading = document.add_heading(form_heading(form), level=3)
    heading.paragraph_format.page_break_before = new_page
    document.add_paragraph(form_subject(form))
    rows, spans = [], []
    for section in form.sections:
        spans.append((len(rows) + 1, len(rows) + len(section.items)))
        rows += [[form.division(section) if k == 0 else "", item.mark, item.text]
                 for k, item in enumerate(section.items)]
    table = _table(document, [DIVISION_HEADER, MARK_HEADER, form.column_header], rows, [28, 30, 108])
    for row in table.rows:
        row.cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for first, last in spans:
        if last > first:
            table.cell(first, 0).merge(table.cell(last, 0))
            # merge() joins the emptied cells' paragraphs: keep the label only.
            cell = table.cell(first, 0)
            for extra in cell.paragraphs[1:]:
                extra._element.getparent().remove(extra._element)


def to_docx(report: Report) -> bytes:
    flow = report.doc.flow
    document = _new_document(flow.proposal.title)
    document.add_heading(flow.proposal.title, level=1)
    document.add_heading("事業の概要", level=2)
    _table(document, ["項目", "内容"], [[k, v] for k, v in report.overview if v], [34, 132])

    # The heading and a list of the figures stay on the text pages, so each figure keeps
    # a whole landscape page (the figure itself shows its title and 資料 tag).
    document.add_heading("個人情報の流れ", level=2)
    for fig in report.figures:
        document.add_paragraph(f"（{fig.tag}）{fig.title}")
    for fig in report.figures:
        _new_section(document, landscape=True)
        _figure_page(document, fig)
    _new_section(document, landscape=False)

    document.add_heading("監査の結果", level=2)
    c = report.counts
    document.add_paragraph(f"エラー {c['error']} 件、警告 {c['warning']} 件、情報 {c['info']} 件、承認済み {c['accepted']} 件、例外 {c['exception']} 件")
    if report.findings:
        _table(document, ["区分", "対象", "内容"], _findings_rows(report), [18, 48, 100])

    document.add_heading("別紙チェックリスト", level=2).paragraph_format.page_break_before = True
    for k, form in enumerate(report.forms):
        _checklist(document, form, new_page=k > 0)
    return _save(document)
