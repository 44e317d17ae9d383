"""Everything a report shows about one flow, assembled once for the HTML and DOCX writers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from piflow.audit.finding import Finding
from piflow.checklist import FormResult, fill
from piflow.loader import Document
from piflow.writers.audit_text import summary_counts


@dataclass(frozen=True)
class Figure:
    tag: str
    title: str
    svg: str  # inline SVG (no XML prolog)
    png: bytes | None = None


@dataclass(frozen=True)
class Report:
    doc: Document
    overview: list[tuple[str, str | None]]
    figures: list[Figure]
    findings: list[Finding]
    forms: list[FormResult]

    @property
    def counts(self) -> dict[str, int]:
        return summary_counts(self.findings)


_PROLOG = re.compile(r"^<\?xml[^>]*>\s*", re.S)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)


def inline_svg(svg: bytes) -> str:
    """Graphviz SVG ready to sit inside HTML: no prolog, no comments."""
    return _COMMENT.sub("", _PROLOG.sub("", svg.decode("utf-8")))


def build(doc: Document, findings: list[Finding], style: dict, with_png: bool = False, dpi: int = 200) -> Report:
    from piflow.draw.figure import build_figure
    from piflow.draw.render import render

    p = doc.flow.proposal
    overview = [
        ("件名", p.title), ("資料番号", p.number), ("事業名", p.business), ("担当課", p.section),
        ("根拠", "、".join(b.value for b in p.bases)), ("目的", p.purpose), ("対象者", p.subjects),
        ("件数", p.count), ("期間", p.period),
    ]
    figures = []
    for sc in doc.flow.scenarios:
        source = build_figure(doc, sc, style).source
        png = render(source, "png", dpi) if with_png else None
        figures.append(Figure(sc.tag, sc.title, inline_svg(render(source, "svg")), png))
    return Report(doc, overview, figures, findings, fill(doc, findings))
