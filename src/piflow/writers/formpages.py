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
