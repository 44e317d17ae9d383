"""The checklists as an Excel workbook in the ward's form: each form one A4 portrait page.

One sheet per form and side with the form's columns only (区分 / ○・－ / item), fitted
to one page where it can (at 80 % or more), else broken only between sections with the
title, party line and header row repeated; pages numbered 「n / N」 in the footer.  The
evidence (file:line, findings) is not in the filed workbook: it is in the review document
(piflow report --review).  Every cell is written as text: user text never becomes a formula.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from datetime import datetime

from piflow.checklist import FormResult
from piflow.form.safety import to_xstring
from piflow.loader import Document
from piflow.writers.checklist_words import DIVISION_HEADER, MARK_HEADER, form_heading, form_subject, looks_like_formula
from piflow.writers.formpages import PT_MM, plan

FONT = "游ゴシック"  # Excel's Japanese default; LibreOffice falls back to Noto Sans CJK
SIZE = 10
# Column widths in Excel's character units (the width of a '0' in the default font, 7 px).
# A CJK glyph of 游ゴシック 10 pt is 13.3 px, about 1.9 units, in Excel (LibreOffice's Noto is
# narrower); and 游ゴシック's line box is tall (Excel's default row is 18.75 pt at 11 pt).  Row
# heights are estimated for Excel, so LibreOffice shows a little spare room and neither clips.
WIDTHS = {"A": 11, "B": 11, "C": 70}
WIDE_UNITS = 1.9
LINE_PT = SIZE * 1.55
_SHEET_FORBIDDEN = re.compile(r"[\[\]?*\\/:]")


def text_units(text: str) -> float:
    """Width of text in Excel character units: wide (CJK) characters count two."""
    return sum(WIDE_UNITS if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def line_count(text: str, width_units: float) -> int:
    """Lines a wrapped cell needs; a little slack for the cell's padding and word breaks."""
    usable = max(width_units - 1.5, 1)
    return sum(max(1, math.ceil(text_units(part) / usable)) for part in text.split("\n"))


def sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique sheet title: no [ ] ? * \\ / :, no edge apostrophe, at most 31 characters."""
    base = _SHEET_FORBIDDEN.sub("_", name).strip("'") or "Sheet"
    base = base[:31]
    candidate, n = base, 2
    while candidate.casefold() in used:  # Excel compares sheet names case-insensitively
        suffix = f"_{n}"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate.casefold())
    return candidate


def to_xlsx(doc: Document, forms: list[FormResult]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.writer.excel import ExcelWriter

    from piflow.writers.zipnorm import normalise

    wb = Workbook()
    wb.remove(wb.active)
    font, bold = Font(name=FONT, size=SIZE), Font(name=FONT, size=SIZE, bold=True)
    small = Font(name=FONT, size=8, bold=True)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    top_left = Alignment(wrap_text=True, vertical="top")
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    missing = PatternFill("solid", fgColor="FED7D7")

    def put(ws, row: int, col: int, value, cell_font=font, align=top_left, framed=True):
        cell = ws.cell(row, col)
        cell.value = text = to_xstring(str(value))
        cell.data_type = "s"  # text, even if it looks like a number or a formula
        # Excel's quote prefix: shown as typed, and it stays text when the cell is edited.
        cell.quotePrefix = looks_like_formula(text)
        cell.font, cell.alignment = cell_font, align
        if framed:
            cell.border = border
        return cell

    used: set[str] = set()
    for form in forms:
        side = form.ward if form.side == "ward" else "相手"
        ws = wb.create_sheet(sheet_title(f"{form.number}{side}{(form.partner or '')[:20]}", used))
        put(ws, 1, 1, form_heading(form), Font(name=FONT, size=12, bold=True), Alignment(vertical="top"), False)
        put(ws, 2, 1, form_subject(form), font, Alignment(vertical="top"), False)
        for col, text in enumerate((DIVISION_HEADER, MARK_HEADER, form.column_header), start=1):
            put(ws, 3, col, text, bold if col != 2 else small, centre)
        ws.row_dimensions[3].height = line_count(MARK_HEADER, WIDTHS["B"] * SIZE / 8) * 8 * 1.45 + 4
        ws.row_dimensions[1].height = TITLE_PT
        ws.row_dimensions[2].height = LINE_PT + 2
        row = 4
        starts, heights = [], []
        for section in form.sections:
            first = row
            for item in section.items:
                put(ws, row, 1, "")
                mark = put(ws, row, 2, item.mark, font, centre)
                if item.status == "missing":
                    mark.fill = missing
                put(ws, row, 3, item.text)
                lines = max(line_count(item.text, WIDTHS["C"]), line_count(item.mark, WIDTHS["B"]))
                ws.row_dimensions[row].height = lines * LINE_PT + 4
                row += 1
            put(ws, first, 1, form.division(section))
            ws.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
            starts.append(first)
            heights.append(sum(ws.row_dimensions[r].height for r in range(first, row)) * PT_MM)
        for col, width in WIDTHS.items():
            ws.column_dimensions[col].width = width
        head = sum(ws.row_dimensions[r].height for r in (1, 2, 3)) * PT_MM
        layout = plan(len(form.sections), lambda scale: (head * scale, [h * scale for h in heights]), PAGE_MM,
                      SCALES)
        page_setup(ws, PageSetupProperties, f"A1:C{row - 1}", breaks=[starts[p[0]] for p in layout.pages[1:]])
    if not forms:  # a workbook needs a sheet; it says why it holds no form
        ws = wb.create_sheet(sheet_title("チェックリスト", used))
        put(ws, 1, 1, NO_FORMS, font, Alignment(vertical="top"), False)
        ws.column_dimensions["A"].width = sum(WIDTHS.values())
        page_setup(ws, PageSetupProperties, "A1:A1")

    wb.properties.creator = "piflow"
    wb.properties.title = form_heading(forms[0])[:200] if forms else None
    wb.properties.created = wb.properties.modified = datetime(2000, 1, 1)
    buf = io.BytesIO()
    # Not wb.save(): it stamps the current time into docProps/core.xml, which
    # made two runs differ whenever a second boundary fell between them.
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return normalise(buf.getvalue())


TITLE_PT = 12 * 1.6
MARGIN_IN = (0.4, 0.55)  # left/right, top/bottom (the footer sits 0.25 in from the edge)
PAGE_MM = 297 - 2 * MARGIN_IN[1] * 25.4 - 6  # A4 less the margins, and room for rounding
SCALES = (1.0, 0.95, 0.9, 0.85, 0.8)  # fitted to one page down to 80 % (10 pt prints at 8 pt)
NO_FORMS = ("この流れに当てはまる別紙チェックリストはありません（根拠と相手方から判定: docs/checklist-report.md）"
            " (no checklist applies to this flow)")
FOOTER = "&P / &N"  # page n of N, centred: Excel's and LibreOffice's header/footer codes


def page_setup(ws, properties, area: str | None, landscape: bool = False, breaks: list[int] | None = None,
               titles: str = "1:3", wide: int = 1, tall: bool = False, title_cols: str | None = None) -> None:
    """A4, ``wide`` pages wide, numbered 「n / N」 in the footer.

    A checklist form is one page tall unless ``breaks`` (rows that start a page) are given; ``tall``
    sheets (the Excel form's tables) take as many pages as they need.  The rows ``titles`` (a form's
    title, party line and header row) and the columns ``title_cols`` repeat on every page.
    """
    from openpyxl.worksheet.pagebreak import Break, RowBreak

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    # fitToWidth is ignored unless the sheet says fitToPage; fitToHeight=0 means "as many as needed".
    ws.sheet_properties.pageSetUpPr = properties(fitToPage=True)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = wide, 0 if breaks or tall else 1
    ws.page_margins.left = ws.page_margins.right = MARGIN_IN[0]
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_IN[1]
    ws.page_margins.footer = ws.page_margins.header = 0.25
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = ws.evenFooter.center.text = FOOTER
    ws.oddFooter.center.size = ws.evenFooter.center.size = 9
    if breaks:
        ws.row_breaks = RowBreak()
        for row in breaks:
            ws.row_breaks.append(Break(id=row - 1))  # a break after the row before
    if area:
        ws.print_area = area
    ws.print_title_rows = titles
    if title_cols:
        ws.print_title_cols = title_cols
