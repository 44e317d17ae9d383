"""Everything a report shows about one flow, assembled once for the HTML and DOCX writers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from piflow.audit.finding import Finding
from piflow.checklist import FormResult, ItemResult, SectionResult, fill, unfilled
from piflow.draw.figure import figure_pages, render_all
from piflow.forked import in_order
from piflow.loader import Document
from piflow.writers.audit_text import summary_counts


@dataclass(frozen=True)
class Figure:
    """One page of a figure, at the size it prints on A4 landscape."""

    tag: str  # 資料49-3, or 資料49-3（1/2）
    title: str
    svg: str  # inline SVG (no XML prolog)
    png: bytes | None = None
    size_mm: tuple[float, float] = (277.0, 190.0)  # printed width, height


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

    @property
    def unfilled(self) -> list[tuple[FormResult, SectionResult, ItemResult]]:
        """The checklist items not yet answered (未記入) or required and missing (未対応), in the forms' order."""
        return unfilled(self.forms)

    @property
    def unfilled_by_form(self) -> list[tuple[FormResult, list[tuple[SectionResult, ItemResult]]]]:
        """The same items, form by form (only the forms that have any)."""
        gaps = self.unfilled
        grouped = [(f, [(s, i) for g, s, i in gaps if g is f]) for f in self.forms]
        return [(f, items) for f, items in grouped if items]


REVIEW_NOTE = ("確認用の資料です。提出する付議資料（図とチェックリスト）には含めません"
               "（for the section and the reviewer; not part of the filed paper）")


_PROLOG = re.compile(r"^<\?xml[^>]*>\s*", re.S)
_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)


def inline_svg(svg: bytes) -> str:
    """Graphviz SVG ready to sit inside HTML: no prolog, no comments."""
    return _COMMENT.sub("", _PROLOG.sub("", svg.decode("utf-8")))


def build(doc: Document, findings: list[Finding], style: dict, with_png: bool = False, dpi: int = 200) -> Report:
    p = doc.flow.proposal
    overview = [
        ("件名", p.title), ("資料番号", p.number), ("事業名", p.business), ("担当課", p.section),
        ("根拠", "、".join(b.value for b in p.bases)), ("目的", p.purpose), ("対象者", p.subjects),
        ("件数", p.count), ("期間", p.period),
    ]
    # piflow draw reports a figure too small to read; here every page of every figure is drawn by one
    # Graphviz process per format.  The figures are laid out here and by a forked copy (``piflow.forked``).
    laid_out = in_order(figure_pages, [(doc, sc, style) for sc in doc.flow.scenarios])
    pages = [(sc, fp) for sc, (drawn, _) in zip(doc.flow.scenarios, laid_out) for fp in drawn]
    svgs = render_all([fp for _, fp in pages], "svg")
    pngs = render_all([fp for _, fp in pages], "png", dpi) if with_png else [None] * len(pages)
    figures = []
    for (sc, fp), svg, png in zip(pages, svgs, pngs):
        w, h = fp.printed_size
        figures.append(Figure(fp.tag, sc.title, inline_svg(svg), png, (round(w * 25.4 / 72, 2), round(h * 25.4 / 72, 2))))
    return Report(doc, overview, figures, findings, fill(doc, findings))
