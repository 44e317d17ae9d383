"""Filled checklists as HTML (print-ready A4), Markdown, CSV and XLSX."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime

from piflow import __version__
from piflow.checklist import SIDE_JA, FormResult
from piflow.loader import Document
from piflow.writers.templates import render


def _mark(item) -> str:
    return item.mark or "未記入"


def to_html(doc: Document, forms: list[FormResult]) -> bytes:
    return render("checklist.html.j2", flow=doc.flow, forms=forms, source=doc.path).encode("utf-8")


def _form_title(form: FormResult) -> str:
    media = f"（{form.media}）" if form.media else ""
    partner = f" — 相手方: {form.partner}" if form.partner else ""
    return f"{form.title}{media} {SIDE_JA[form.side]}{partner}"


def to_markdown(doc: Document, forms: list[FormResult]) -> bytes:
    lines = [f"# 別紙チェックリスト — {doc.flow.proposal.title}", "", f"{doc.path} から piflow {__version__} が作成", ""]
    for form in forms:
        lines += [f"## {_form_title(form)}", "", f"{form.header}", "", "| No | 情報保護対策 | 対策 | 根拠・指摘 |", "|---|---|---|---|"]
        for section in form.sections:
            lines.append(f"| | **【{section.name}】** | | |")
            for item in section.items:
                note = "、".join(item.sources + item.findings)
                lines.append(f"| {item.number} | {_md(item.text)} | {_md(_mark(item))} | {_md(note)} |")
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


HEADER = ["チェックリスト", "区分", "相手方", "対策の種類", "No", "情報保護対策", "対策", "状態", "根拠", "指摘"]


def _rows(forms: list[FormResult]):
    for form in forms:
        for section in form.sections:
            for item in section.items:
                yield [form.number, SIDE_JA[form.side], form.partner or "", section.name, item.number, item.text,
                       _mark(item), item.status, "、".join(item.sources), "、".join(item.findings)]


def to_csv(doc: Document, forms: list[FormResult]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(_rows(forms))
    # BOM so that Excel on Windows opens the Japanese text correctly.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(doc: Document, forms: list[FormResult]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.writer.excel import ExcelWriter

    from piflow.writers.zipnorm import normalise

    wb = Workbook()
    wb.remove(wb.active)
    font = Font(name="Yu Gothic", size=10)
    bold = Font(name="Yu Gothic", size=10, bold=True)
    thin = Side(style="thin", color="4A5568")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fills = {"missing": PatternFill("solid", fgColor="FED7D7"), "blank": PatternFill("solid", fgColor="EDF2F7")}
    used: set[str] = set()
    for form in forms:
        name = f"{form.number}{'区' if form.side == 'ward' else '相手'}{(form.partner or '')[:18]}"
        name = _unique(name.replace("/", "_").replace(":", "_")[:31], used)
        ws = wb.create_sheet(name)
        ws.append([_form_title(form)])
        ws["A1"].font = Font(name="Yu Gothic", size=12, bold=True)
        ws.append([form.header])
        ws.append(["No", "情報保護対策", "対策", "根拠・指摘"])
        for cell in ws[3]:
            cell.font, cell.border = bold, border
        for section in form.sections:
            ws.append(["", f"【{section.name}】", "", ""])
            for cell in ws[ws.max_row]:
                cell.font, cell.border = bold, border
            for item in section.items:
                ws.append([item.number, item.text, _mark(item), "、".join(item.sources + item.findings)])
                for cell in ws[ws.max_row]:
                    cell.font, cell.border = font, border
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                if item.status in fills:
                    ws.cell(ws.max_row, 3).fill = fills[item.status]
        for col, width in zip("ABCD", (5, 70, 16, 40)):
            ws.column_dimensions[col].width = width
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
    wb.properties.creator = "piflow"
    wb.properties.created = wb.properties.modified = datetime(2000, 1, 1)
    buf = io.BytesIO()
    # Not wb.save(): it stamps the current time into docProps/core.xml, which
    # made two runs differ whenever a second boundary fell between them.
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return normalise(buf.getvalue())


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 2
    while candidate in used:
        candidate = f"{name[:28]}_{n}"
        n += 1
    used.add(candidate)
    return candidate


WRITERS = {"html": to_html, "md": to_markdown, "csv": to_csv, "xlsx": to_xlsx}
