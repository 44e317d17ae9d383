"""Filled checklists in the ward's own form: HTML (print-ready A4), Markdown, CSV and XLSX.

Every format has the form's three columns — 区分 / the ○・－ column / the item —
and keeps the evidence (file:line, findings) apart, for the author only.
"""

from __future__ import annotations

import csv
import html
import io

from piflow import __version__
from piflow.checklist import FormResult
from piflow.loader import Document
from piflow.writers.formpages import PT_MM, Plan, plan, wrapped_lines
from piflow.writers.templates import render

# The ○ column's heading exactly as the form prints it (two lines).
MARK_HEADER = "・対策が可能であれば「○」\n・対策の必要がない場合は「－」"
DIVISION_HEADER = "区分"


def form_heading(form: FormResult) -> str:
    """「5 業務委託にかかる個人情報保護対策チェックリスト（電磁的媒体・紙媒体の取扱い）」."""
    return f"{form.title}{f'（{form.media}）' if form.media else ''}"


def form_subject(form: FormResult) -> str:
    """Whose measures the form lists, in plain Japanese: 「委託先（未定）に行わせる対策」."""
    if form.side == "ward":
        return f"{form.partner}について区が行う対策" if form.partner else "区が行う対策"
    return f"{form.partner}に行わせる対策" if form.partner else "相手方に行わせる対策"


def form_label(form: FormResult) -> str:
    """「5 業務委託にかかる… — 委託先（未定）に行わせる対策」: one form, named in a list."""
    return f"{form_heading(form)} — {form_subject(form)}"


def evidence(item) -> str:
    return "、".join(item.sources + item.findings)


# OWASP CSV injection: a cell starting with one of these is a formula to Excel/Calc.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(_FORMULA_START)


def safe_cell(text: str) -> str:
    """Text that a spreadsheet shows as text, never evaluates (quote prefix, as OWASP advises)."""
    return "'" + text if looks_like_formula(text) else text


# The printed HTML form (_style.css.j2: table.checklist), in mm and pt, for formpages.plan.
HTML_WIDTHS_MM = (30.0, 24.0, 132.0)  # A4 less the 12 mm margins: 186 mm
HTML_PAGE_MM = 297 - 2 * 14 - 6  # less the margins, and room for rounding
HTML_PAD_MM = (1.5, 1.0)  # cell padding: left/right, top/bottom
HTML_SIZES = (10, 9.5, 9, 8.5, 8)
HTML_LINE = 1.4


def _html_heights(form: FormResult, size: float) -> tuple[float, list[float]]:
    pad_w, pad_h = HTML_PAD_MM
    inner = [w - 2 * pad_w for w in HTML_WIDTHS_MM]
    row = lambda n, pt: n * pt * HTML_LINE * PT_MM + 2 * pad_h + 0.2  # noqa: E731
    head = (wrapped_lines(form_heading(form), sum(HTML_WIDTHS_MM), 12) * 12 * HTML_LINE * PT_MM + 1
            + wrapped_lines(form_subject(form), sum(HTML_WIDTHS_MM), size) * size * HTML_LINE * PT_MM + 1.5
            + max(row(wrapped_lines(MARK_HEADER, inner[1], 8), 8), row(1, size)))
    body = []
    for section in form.sections:
        rows = sum(row(max(wrapped_lines(i.text, inner[2], size), wrapped_lines(i.mark, inner[1], size)), size)
                   for i in section.items)
        body.append(max(rows, row(wrapped_lines(form.division(section), inner[0], size), size)))
    return head, body


def html_plan(form: FormResult) -> Plan:
    """The printed HTML form's text size and pages: one A4 page where it fits at 8 pt or more."""
    return plan(len(form.sections), lambda size: _html_heights(form, size), HTML_PAGE_MM, HTML_SIZES)


TEMPLATE_HELPERS = {"form_heading": form_heading, "form_subject": form_subject, "form_label": form_label,
                    "form_plan": html_plan}


def to_html(doc: Document, forms: list[FormResult]) -> bytes:
    return render("checklist.html.j2", flow=doc.flow, forms=forms, source=doc.path, **TEMPLATE_HELPERS).encode("utf-8")


def _md(text: str) -> str:
    # Escape HTML first (a Markdown viewer renders raw HTML), then the table syntax.
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", "<br>")


def to_markdown(doc: Document, forms: list[FormResult]) -> bytes:
    lines = [f"# 別紙チェックリスト — {_md(doc.flow.proposal.title)}", "",
             f"{_md(doc.path)} から piflow {__version__} が作成", ""]
    for form in forms:
        lines += [f"## {_md(form_heading(form))}", "", _md(form_subject(form)), "",
                  f"| {DIVISION_HEADER} | {_md(MARK_HEADER)} | {_md(form.column_header)} |", "|---|:-:|---|"]
        for section in form.sections:
            for k, item in enumerate(section.items):
                division = _md(form.division(section)) if k == 0 else ""
                lines.append(f"| {division} | {_md(item.mark)} | {_md(item.text)} |")
        notes = [(s, i) for s in form.sections for i in s.items if evidence(i)]
        if notes:
            lines += ["", "根拠・指摘（作成者用、提出用紙には含めない）:", ""]
            lines += [f"- 【{_md(s.name)}】{i.number}: {_md(evidence(i))}" for s, i in notes]
        lines.append("")
    return "\n".join(lines).encode("utf-8")


HEADER = ["チェックリスト", "対象", DIVISION_HEADER, MARK_HEADER.replace("\n", ""), "情報保護対策", "No", "状態", "根拠",
          "指摘"]


def _rows(forms: list[FormResult]):
    for form in forms:
        for section in form.sections:
            for item in section.items:
                yield [form_heading(form), form_subject(form), form.division(section), item.mark, item.text,
                       item.number, item.status, "、".join(item.sources), "、".join(item.findings)]


def to_csv(doc: Document, forms: list[FormResult]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows([[safe_cell(str(v)) for v in row] for row in _rows(forms)])
    # BOM so that Excel on Windows opens the Japanese text correctly.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(doc: Document, forms: list[FormResult]) -> bytes:
    from piflow.writers.checklist_xlsx import to_xlsx as write

    return write(doc, forms)


WRITERS = {"html": to_html, "md": to_markdown, "csv": to_csv, "xlsx": to_xlsx}
