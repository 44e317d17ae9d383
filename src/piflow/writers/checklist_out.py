"""Filled checklists in the ward's own form: HTML (print-ready A4), Markdown, CSV and XLSX.

Every format has the form's three columns — 区分 / the ○・－ column / the item —
and keeps the evidence (file:line, findings) apart, for the author only.
"""

from __future__ import annotations

import csv
import html
import io
import re

from piflow import __version__
from piflow.checklist import FormResult
from piflow.loader import Document
from piflow.writers.checklist_words import (DIVISION_HEADER, MARK_HEADER, evidence, form_heading, form_subject,
                                           safe_cell)
from piflow.writers.checklist_xlsx import to_xlsx
from piflow.writers.formpages import HTML_HELPERS
from piflow.writers.templates import render

def to_html(doc: Document, forms: list[FormResult]) -> bytes:
    return render("checklist.html.j2", flow=doc.flow, forms=forms, source=doc.path, **HTML_HELPERS).encode("utf-8")


_MD_SYNTAX = re.compile(r"([\\`*_\[\]()!#~|])")
_AUTOLINK = re.compile(r"(?i)(https?|ftp|file|mailto)(:)|(www)(\.)")


def _md(text: str) -> str:
    """User text as Markdown text: raw HTML escaped (a viewer renders it), the syntax that makes links,
    images, emphasis and table cells backslash-escaped, and what a viewer would autolink (https:, www.)
    broken with an entity, and so is the @ of a mail address, so a label never becomes a live link."""
    text = _MD_SYNTAX.sub(r"\\\1", html.escape(text, quote=False))
    text = _AUTOLINK.sub(lambda m: (m.group(1) or m.group(3)) + ("&#58;" if m.group(2) else "&#46;"), text)
    text = text.replace("@", "&#64;")  # a@example.jp is autolinked as mail (GFM) unless its @ is an entity
    return text.replace("\n", "<br>")


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
                       item.number, item.status, "、".join(item.sources + ((f"備考: {item.note}",) if item.note else ())),
                       "、".join(item.findings)]


def to_csv(doc: Document, forms: list[FormResult]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows([[safe_cell(str(v)) for v in row] for row in _rows(forms)])
    # BOM so that Excel on Windows opens the Japanese text correctly.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


WRITERS = {"html": to_html, "md": to_markdown, "csv": to_csv, "xlsx": to_xlsx}
