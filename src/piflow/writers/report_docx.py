"""The report as Word documents: the paper a section files, and the review document beside it.

The filed paper (to_docx) is what the council receives: one landscape page per figure,
with the page margins the figure was fitted to, so it prints at its size (its text at
7 pt or more), then the filled checklists in the ward's form, each on one A4 page where
it fits (else broken only between sections, its title, party line and header row
repeated).  The review document (review_docx) is for the section and the reviewer: the
overview, the audit's findings, the items still unanswered and the evidence of every mark.
Both number their pages (「n / N」, centred in the footer); Word's built-in styles (Word in
Japanese shows them as 見出し 1–3 and 表 (格子)), Japanese fonts and ja-JP as the East Asian
language.
"""

from __future__ import annotations

import io
import struct
from datetime import datetime

from piflow.audit.finding import SEVERITY_JA
from piflow.report import REVIEW_NOTE, Figure, Report
from piflow.writers.audit_text import summary_line
from piflow.writers.checklist_words import DIVISION_HEADER, MARK_HEADER, form_heading, form_label, form_subject
from piflow.writers.formpages import PT_MM, plan, section_heights, wrapped_lines
from piflow.writers.zipnorm import normalise

BODY_FONT = "游明朝"  # Word's Japanese default; LibreOffice on Linux falls back to Noto Serif CJK
HEADING_FONT = "游ゴシック"
A4 = (210, 297)  # mm
MARGIN_MM = 22
FIGURE_MARGIN_MM = 10  # the margins piflow.layout fits figures to
FORM_MARGIN_MM = 15  # checklist pages: the ward's form uses the page
FOOTER_MM = 4  # from the paper's edge to the page number, inside every margin
FORM_WIDTHS_MM = (28, 30, 122)  # 区分 / ○・－ / item: 180 mm, A4 less the form margins
FORM_SIZES = (10, 9.5, 9, 8.5, 8)  # the form's text, largest first: shrunk (to 8 pt) to keep it on one page
FORM_LINE = 1.4  # exact line height in the form, in ems (the same in Word and LibreOffice)
CELL_PAD_MM = (1.9, 0.5)  # the form's cell margins: left/right, top/bottom
TITLE_PT, MARK_HEADER_PT, FOOTER_PT = 12, 8, 9  # the form's title, its ○・－ heading, the page number
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
    section.header_distance = section.footer_distance = Mm(FOOTER_MM)


def _new_section(document, landscape: bool, margin_mm: float | None = None) -> None:
    from docx.enum.section import WD_SECTION

    margin = margin_mm if margin_mm is not None else FIGURE_MARGIN_MM if landscape else MARGIN_MM
    _page(document.add_section(WD_SECTION.NEW_PAGE), landscape, margin)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice compute when they lay out the pages."""
    from docx.oxml.ns import qn

    field = paragraph._p.makeelement(qn("w:fldSimple"), {qn("w:instr"): instruction})
    run = field.makeelement(qn("w:r"), {})
    rpr = run.makeelement(qn("w:rPr"), {})
    rpr.append(rpr.makeelement(qn("w:sz"), {qn("w:val"): str(FOOTER_PT * 2)}))
    text = run.makeelement(qn("w:t"), {})
    text.text = "1"
    run.extend([rpr, text])
    field.append(run)
    paragraph._p.append(field)


def _page_numbers(document) -> None:
    """「n / N」 centred in the footer of every page (later sections inherit the first one's footer)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = 0
    _field(paragraph, "PAGE")
    paragraph.add_run(" / ").font.size = Pt(FOOTER_PT)
    _field(paragraph, "NUMPAGES")


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
    _page_numbers(document)
    return _save(document)


def _findings_rows(report: Report) -> list[list[str]]:
    """Findings for the reviewer: status, what, the Japanese message, where and how to fix it."""
    rows = []
    for f in report.findings:
        status = ("未完成" if f.incomplete else "例外" if f.excepted else "承認済み" if f.accepted
                  else SEVERITY_JA[f.severity])
        text = f.message + (f"\n例外の根拠: {f.exception_basis}\n代わりの管理策: {'、'.join(f.exception_controls)}"
                            if f.excepted else f"\n承認の理由: {f.accepted_reason}" if f.approved
                            else f"\n修正: {f.fix}" if f.fix else "")
        rows.append([status, f.subject.label, text, f"{f.code}\n{f.location}"])
    return rows


def _cell_text(cell, text: str, size_pt: float, bold: bool = False, centre: bool = False) -> None:
    """One paragraph per line, at the form's size and exact line height (the same in Word and LibreOffice)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    lines = text.split("\n")
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)
    for paragraph in cell.paragraphs:
        fmt = paragraph.paragraph_format
        fmt.space_before = fmt.space_after = 0
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(size_pt * FORM_LINE)
        if centre:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in paragraph.runs:
            run.font.size = Pt(size_pt)
            run.bold = bold or None


def _form_heights(form, size: float) -> tuple[float, list[float]]:
    """The repeated head and each section's height in mm, as _form_table sets them at ``size``."""
    pad_w, pad_h = CELL_PAD_MM
    inner = [w - 2 * pad_w for w in FORM_WIDTHS_MM]
    line = lambda pt: pt * FORM_LINE * PT_MM  # noqa: E731
    row = lambda n, pt: n * line(pt) + 2 * pad_h + 0.3  # noqa: E731 - lines, cell margins, the rule
    head = (row(wrapped_lines(form_heading(form), sum(inner) + 4 * pad_w, TITLE_PT), TITLE_PT)
            + row(wrapped_lines(form_subject(form), sum(inner) + 4 * pad_w, size), size)
            + max(row(wrapped_lines(MARK_HEADER, inner[1], MARK_HEADER_PT), MARK_HEADER_PT), row(1, size)))
    return head, section_heights(form, size, inner, row)


def _form_table(document, form, sections, size: float):
    """The form as the ward prints it: title, party line and header row repeated on every page."""
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table = document.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    table.autofit = False
    margins = table._tbl.tblPr.makeelement(qn("w:tblCellMar"), {})
    pad_w, pad_h = (round(v / 25.4 * 1440) for v in CELL_PAD_MM)
    for side, width in (("top", pad_h), ("left", pad_w), ("bottom", pad_h), ("right", pad_w)):
        margins.append(margins.makeelement(qn(f"w:{side}"), {qn("w:w"): str(width), qn("w:type"): "dxa"}))
    table._tbl.tblPr.append(margins)
    title, subject, header = table.rows
    for r in (title, subject):
        r.cells[0].merge(r.cells[2])
        cell = r.cells[0]
        for extra in cell.paragraphs[1:]:
            extra._element.getparent().remove(extra._element)
        # Above the form's frame, as the ward prints its title and party line: no rules around them.
        tcpr = cell._tc.get_or_add_tcPr()
        borders = tcpr.makeelement(qn("w:tcBorders"), {})
        for side in ("top", "left", "bottom", "right"):
            keep = r is subject and side == "bottom"
            borders.append(borders.makeelement(qn(f"w:{side}"), {qn("w:val"): "single" if keep else "nil",
                                                                 **({qn("w:sz"): "4"} if keep else {})}))
        tcpr.append(borders)
    _cell_text(title.cells[0], form_heading(form), TITLE_PT, bold=True)
    _cell_text(subject.cells[0], form_subject(form), size)
    for k, text in enumerate((DIVISION_HEADER, MARK_HEADER, form.column_header)):
        _cell_text(header.cells[k], text, MARK_HEADER_PT if k == 1 else size, bold=True, centre=True)
    for r in (title, subject, header):
        _repeat_header(r)
        _cant_split(r)
    spans = []
    for section in sections:
        first = len(table.rows)
        for item in section.items:
            new = table.add_row()
            _cant_split(new)
            _cell_text(new.cells[1], item.mark, size, bold=item.status == "missing", centre=True)
            _cell_text(new.cells[2], item.text, size)
        spans.append((first, len(table.rows) - 1, form.division(section)))
    for first, last, label in spans:
        cell = table.cell(first, 0).merge(table.cell(last, 0)) if last > first else table.cell(first, 0)
        for extra in cell.paragraphs[1:]:  # merge() joins the emptied cells' paragraphs
            extra._element.getparent().remove(extra._element)
        _cell_text(cell, label, size)
    # Word reads the cell widths, LibreOffice the grid columns: set both.
    for column, width in zip(table.columns, FORM_WIDTHS_MM):
        column.width = Mm(width)
    for tr in table._tbl.tr_lst:
        col = 0
        for tc in tr.tc_lst:
            tc.width = Mm(sum(FORM_WIDTHS_MM[col:col + tc.grid_span]))
            col += tc.grid_span
    return table


def _page_break(document, new_page: bool = True) -> None:
    """A page break between two tables (Word joins tables that touch): a paragraph with no height to speak of.

    new_page=False: the same thin paragraph opening a section, so that the section break is followed by a
    paragraph: LibreOffice keeps a section that starts with a table on the page before (a small figure's).
    """
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.page_break_before = new_page
    fmt.space_before = fmt.space_after = 0
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(1)


def plan_form(form):
    """The form's text size and pages in the DOCX: one A4 page where it fits at 8 pt or more."""
    page_mm = A4[1] - 2 * FORM_MARGIN_MM - 6  # room for the last row's rounding and a stray empty line
    return plan(len(form.sections), lambda size: _form_heights(form, size), page_mm, FORM_SIZES)


def _checklists(document, forms) -> None:
    """Each form from a new page; one page where it fits at 8 pt or more, else broken between sections."""
    first = True
    for form in forms:
        layout = plan_form(form)
        for page in layout.pages:
            _page_break(document, new_page=not first)
            first = False
            _form_table(document, form, [form.sections[k] for k in page], layout.size_pt)


def to_docx(report: Report) -> bytes:
    """The paper the council receives: the figures, then the filled checklists in the ward's order."""
    flow = report.doc.flow
    document = _new_document(flow.proposal.title)
    if report.figures:
        _page(document.sections[0], landscape=True, margin_mm=FIGURE_MARGIN_MM)
    for k, fig in enumerate(report.figures):
        if k:
            _new_section(document, landscape=True)
        _figure_page(document, fig)
    if report.forms:
        if report.figures:
            _new_section(document, landscape=False, margin_mm=FORM_MARGIN_MM)
        else:
            _page(document.sections[0], landscape=False, margin_mm=FORM_MARGIN_MM)
        _checklists(document, report.forms)
    _page_numbers(document)
    return _save(document)


def review_docx(report: Report) -> bytes:
    """The review document: overview, audit results, the items still to answer, and the evidence of every mark."""
    flow = report.doc.flow
    document = _new_document(f"{flow.proposal.title}（確認用）")
    document.add_heading(f"{flow.proposal.title} — 確認用資料", level=1)
    document.add_paragraph(f"{REVIEW_NOTE}（{report.doc.path}）")
    document.add_heading("事業の概要", level=2)
    _table(document, ["項目", "内容"], [[k, v] for k, v in report.overview if v], [34, 132])

    document.add_heading("監査の結果", level=2)
    document.add_paragraph(summary_line(report.counts))
    if report.findings:
        _table(document, ["区分", "対象", "内容", "ルール・場所"], _findings_rows(report), [16, 40, 80, 30])
    else:
        document.add_paragraph("指摘はありません。")

    document.add_heading("未記入・未対応の項目", level=2)
    unfilled = report.unfilled
    if unfilled:
        document.add_paragraph(f"{len(unfilled)} 項目。提出する用紙では「{unfilled[0][2].mark}」などと印刷されます。"
                               "○ か「－（理由）」を判断してフローに書いてください。")
        for form, items in report.unfilled_by_form:
            document.add_heading(form_label(form), level=3)
            _table(document, ["区分", "No", "記入", "項目"], [[s.name, str(i.number), i.mark, i.text] for s, i in items],
                   [24, 8, 20, 114])
    else:
        document.add_paragraph("ありません。すべての項目が ○ か「－（理由）」です。")

    document.add_heading("根拠（チェックリストの記入のもと）", level=2)
    for form in report.forms:
        document.add_heading(form_label(form), level=3)
        rows = [[s.name, str(i.number), i.mark, "\n".join(i.sources + ((f"備考: {i.note}",) if i.note else ()) + i.findings)]
                for s in form.sections for i in s.items]
        _table(document, ["区分", "No", "記入", "根拠（フローファイルの行）・指摘"], rows, [22, 8, 26, 110])
    _page_numbers(document)
    return _save(document)
