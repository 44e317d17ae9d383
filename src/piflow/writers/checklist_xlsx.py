"""The checklists as an Excel workbook in the ward's form, printing on A4 portrait one page wide.

One sheet per form and side with the form's columns only (区分 / ○・－ / item);
the evidence (file:line, findings) is on a last sheet 「根拠」 that is not part of
the filed form.  Every cell is written as text: user text never becomes a formula.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from datetime import datetime

from piflow.checklist import FormResult
from piflow.loader import Document
from piflow.writers.checklist_words import (DIVISION_HEADER, MARK_HEADER, evidence, form_heading, form_subject,
                                         looks_like_formula)

FONT = "游ゴシック"  # Excel's Japanese default; LibreOffice falls back to Noto Sans CJK
SIZE = 10
# Column widths in Excel's character units (the width of a '0' in the default font, 7 px).
# A CJK glyph of 游ゴシック 10 pt is 13.3 px, about 1.9 units, in Excel (LibreOffice's Noto is
# narrower); and 游ゴシック's line box is tall (Excel's default row is 18.75 pt at 11 pt).  Row
# heights are estimated for Excel, so LibreOffice shows a little spare room and neither clips.
WIDTHS = {"A": 14, "B": 14, "C": 64}
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
        cell.value = text = str(value)
        cell.data_type = "s"  # text, even if it looks like a number or a formula
        # Excel's quote prefix: shown as typed, and it stays text when the cell is edited.
        cell.quotePrefix = looks_like_formula(text)
        cell.font, cell.alignment = cell_font, align
        if framed:
            cell.border = border
        return cell

    used: set[str] = set()
    evidence_rows = []
    for form in forms:
        side = form.ward if form.side == "ward" else "相手"
        ws = wb.create_sheet(sheet_title(f"{form.number}{side}{(form.partner or '')[:20]}", used))
        put(ws, 1, 1, form_heading(form), Font(name=FONT, size=12, bold=True), Alignment(vertical="top"), False)
        put(ws, 2, 1, form_subject(form), font, Alignment(vertical="top"), False)
        for col, text in enumerate((DIVISION_HEADER, MARK_HEADER, form.column_header), start=1):
            put(ws, 3, col, text, bold if col != 2 else small, centre)
        ws.row_dimensions[3].height = line_count(MARK_HEADER, WIDTHS["B"] * SIZE / 8) * 8 * 1.45 + 4
        row = 4
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
                if evidence(item):
                    evidence_rows.append((ws.title, row, form.division(section), item.number, item.mark,
                                          "、".join(item.sources + ((f"備考: {item.note}",) if item.note else ())),
                                          "、".join(item.findings)))
                row += 1
            put(ws, first, 1, form.division(section))
            ws.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)
        for col, width in WIDTHS.items():
            ws.column_dimensions[col].width = width
        page_setup(ws, PageSetupProperties, f"A1:C{row - 1}")

    ws = wb.create_sheet(sheet_title("根拠", used))
    header = ["シート", "行", DIVISION_HEADER, "No", "対策欄", "根拠（フローファイルの行）", "指摘"]
    for col, text in enumerate(header, start=1):
        put(ws, 1, col, text, bold)
    widths = (12, 5, 30, 4, 10, 60, 40)
    for r, values in enumerate(evidence_rows, start=2):
        for col, value in enumerate(values, start=1):
            put(ws, r, col, value)
        ws.row_dimensions[r].height = max(line_count(str(v), w) for v, w in zip(values, widths)) * LINE_PT + 4
    for col, width in zip("ABCDEFG", widths):
        ws.column_dimensions[col].width = width
    page_setup(ws, PageSetupProperties, None, landscape=True)

    wb.properties.creator = "piflow"
    wb.properties.title = form_heading(forms[0])[:200] if forms else None
    wb.properties.created = wb.properties.modified = datetime(2000, 1, 1)
    buf = io.BytesIO()
    # Not wb.save(): it stamps the current time into docProps/core.xml, which
    # made two runs differ whenever a second boundary fell between them.
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return normalise(buf.getvalue())


def page_setup(ws, properties, area: str | None, landscape: bool = False) -> None:
    """A4, fitted one page wide (any number of pages tall), header rows repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    # fitToWidth is ignored unless the sheet says fitToPage; fitToHeight=0 means "as many as needed".
    ws.sheet_properties.pageSetUpPr = properties(fitToPage=True)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.print_options.horizontalCentered = True
    if area:
        ws.print_area = area
        ws.print_title_rows = "3:3"
    else:
        ws.print_title_rows = "1:1"
