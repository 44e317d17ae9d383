"""The report as a Word document: figures as high-resolution PNG, checklists as real tables."""

from __future__ import annotations

import io
from datetime import datetime

from piflow.audit.finding import SEVERITY_JA
from piflow.checklist import SIDE_JA
from piflow.report import Report
from piflow.writers.zipnorm import normalise

FONT = "Yu Gothic"  # Word's Japanese UI font; LibreOffice substitutes Noto Sans CJK


def _japanese_font(style, size_pt: float | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = FONT
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    if size_pt:
        style.font.size = Pt(size_pt)


def _table(document, header: list[str], rows: list[list[str]], widths_mm: list[float]):
    from docx.shared import Mm

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    # Word reads the cell widths, LibreOffice the grid columns: set both.
    table.autofit = False
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)
    return table


def to_docx(report: Report) -> bytes:
    from docx import Document as WordDocument
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    flow = report.doc.flow
    document = WordDocument()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    for name, size in (("Normal", 10), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11), ("Table Grid", 9)):
        _japanese_font(document.styles[name], size)
    props = document.core_properties
    props.author, props.title = "piflow", flow.proposal.title
    props.created = props.modified = datetime(2000, 1, 1)
    props.revision = 1

    document.add_heading(flow.proposal.title, level=1)
    document.add_heading("事業の概要", level=2)
    _table(document, ["項目", "内容"], [[k, v] for k, v in report.overview if v], [35, 145])

    document.add_heading("個人情報の流れ", level=2)
    for fig in report.figures:
        document.add_heading(f"{fig.title}（{fig.tag}）", level=3)
        if fig.png:
            document.add_picture(io.BytesIO(fig.png), width=Mm(180))

    document.add_heading("監査の結果", level=2)
    c = report.counts
    document.add_paragraph(f"エラー {c['error']} 件、警告 {c['warning']} 件、情報 {c['info']} 件、承認済み {c['accepted']} 件")
    if report.findings:
        rows = [["承認済み" if f.accepted else SEVERITY_JA[f.severity], f.code, f.subject.label,
                 f"{f.message}\n{f.key}", f"{f.line}:{f.column}"] for f in report.findings]
        _table(document, ["重大度", "コード", "対象", "内容", "行:桁"], rows, [16, 14, 45, 90, 15])

    document.add_heading("別紙チェックリスト", level=2)
    for form in report.forms:
        media = f"（{form.media}）" if form.media else ""
        partner = f" — 相手方: {form.partner}" if form.partner else ""
        document.add_heading(f"{form.title}{media} {SIDE_JA[form.side]}{partner}", level=3)
        rows = []
        for sec in form.sections:
            rows.append(["", f"【{sec.name}】", ""])
            rows += [[str(i.number), i.text, i.mark or "未記入"] for i in sec.items]
        _table(document, ["No", form.header or "情報保護対策", "対策"], rows, [10, 145, 25])

    buf = io.BytesIO()
    document.save(buf)
    return normalise(buf.getvalue())
