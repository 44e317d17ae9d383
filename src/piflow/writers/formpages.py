"""How a checklist form is set on A4: one page where it can, else broken only between its sections.

The ward's form is one page per checklist.  The DOCX, HTML and XLSX writers measure their
rows with their own metrics and ask the same question here: at which text size does the
form fit one page (never below ``min_pt``), and if it fits at none, which sections go on
which page.  A page then starts at a section (the 区分 cell whole) with the form's title,
party line and header row repeated, and holds whole sections only, so never one or two
stray rows (every section of the forms has five items or more).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Callable, Sequence

from piflow.checklist import FormResult
from piflow.writers.checklist_words import MARK_HEADER, TEMPLATE_HELPERS, form_heading, form_subject

PT_MM = 25.4 / 72


def text_em(text: str) -> float:
    """Width of text in ems: a wide (CJK) character is one em, anything else about half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.55 for c in text)


def wrapped_lines(text: str, width_mm: float, size_pt: float) -> int:
    """Lines a paragraph wraps to in a column ``width_mm`` wide (its padding already taken off)."""
    per_line = max(width_mm / (size_pt * PT_MM), 1.0)
    # Japanese breaks anywhere but keeps 、。」 with the character before: allow a little slack.
    return sum(max(1, math.ceil(text_em(part) / (per_line - 0.6))) for part in (text or " ").split("\n"))


@dataclass(frozen=True)
class Plan:
    """What a writer prints: the text size, and the sections (indexes) on each page."""

    size_pt: float
    pages: tuple[tuple[int, ...], ...]

    @property
    def one_page(self) -> bool:
        return len(self.pages) == 1


def plan(sections: int, height: Callable[[float], tuple[float, Sequence[float]]], page_mm: float,
         sizes: Sequence[float]) -> Plan:
    """Choose the size and the page breaks.

    height(size) -> (the repeated head's height, each section's height), in mm at that text size;
    sizes: the sizes allowed, largest (the preferred one) first.
    """
    for size in sizes:
        head, body = height(size)
        if head + sum(body) <= page_mm:
            return Plan(size, (tuple(range(sections)),))
    size = sizes[0]
    head, body = height(size)
    pages: list[list[int]] = [[]]
    used = head
    for k, h in enumerate(body):
        if pages[-1] and used + h > page_mm:
            pages.append([])
            used = head
        pages[-1].append(k)
        used += h
    return Plan(size, tuple(tuple(p) for p in pages))


# The printed HTML form (_style.css.j2: table.checklist), in mm and pt.
HTML_WIDTHS_MM = (28.0, 30.0, 128.0)  # A4 less the 12 mm margins: 186 mm; a mark 「－（理由）」 in two lines
HTML_PAGE_MM = 297 - 2 * 14 - 6  # less the margins, and room for rounding
HTML_PAD_MM = (1.5, 1.0)  # cell padding: left/right, top/bottom
HTML_SIZES = (10, 9.5, 9, 8.5, 8)
HTML_LINE = 1.4


def section_heights(form: FormResult, size: float, inner: list[float], row) -> list[float]:
    """Each section's height in mm: its rows (item text or mark, whichever wraps to more lines), at least its
    区分 cell.  ``inner``: the three columns' text widths; ``row(lines, pt)``: a row's height in that writer."""
    body = []
    for section in form.sections:
        rows = sum(row(max(wrapped_lines(i.text, inner[2], size), wrapped_lines(i.mark, inner[1], size)), size)
                   for i in section.items)
        body.append(max(rows, row(wrapped_lines(form.division(section), inner[0], size), size)))
    return body


def _html_heights(form: FormResult, size: float) -> tuple[float, list[float]]:
    pad_w, pad_h = HTML_PAD_MM
    inner = [w - 2 * pad_w for w in HTML_WIDTHS_MM]
    row = lambda n, pt: n * pt * HTML_LINE * PT_MM + 2 * pad_h + 0.2  # noqa: E731
    head = (wrapped_lines(form_heading(form), sum(HTML_WIDTHS_MM), 12) * 12 * HTML_LINE * PT_MM + 1
            + wrapped_lines(form_subject(form), sum(HTML_WIDTHS_MM), size) * size * HTML_LINE * PT_MM + 1.5
            + max(row(wrapped_lines(MARK_HEADER, inner[1], 8), 8), row(1, size)))
    return head, section_heights(form, size, inner, row)


def html_plan(form: FormResult) -> Plan:
    """The printed HTML form's text size and pages: one A4 page where it fits at 8 pt or more."""
    return plan(len(form.sections), lambda size: _html_heights(form, size), HTML_PAGE_MM, HTML_SIZES)


# What the HTML templates call: the checklist's words and the page plan of each form.
HTML_HELPERS = {**TEMPLATE_HELPERS, "form_plan": html_plan}
