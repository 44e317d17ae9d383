"""Self-contained HTML (inline SVG and CSS, no scripts or external files): the filed paper and the review document."""

from __future__ import annotations

from piflow.report import REVIEW_NOTE, Report
from piflow.writers.audit_text import summary_line
from piflow.writers.formpages import HTML_HELPERS
from piflow.writers.templates import render


def to_html(report: Report) -> bytes:
    """The paper the council receives: the figures, then the filled checklists (prints with page numbers)."""
    return render(
        "report.html.j2", flow=report.doc.flow, source=report.doc.path, figures=report.figures, forms=report.forms,
        unfilled=report.unfilled, **HTML_HELPERS,
    ).encode("utf-8")


def review_html(report: Report) -> bytes:
    """For the section and the reviewer: overview, audit results, unanswered items, the evidence of every mark."""
    evidence = [[(s, i) for s in f.sections for i in s.items] for f in report.forms]
    return render(
        "review.html.j2", flow=report.doc.flow, source=report.doc.path, overview=report.overview,
        findings=report.findings, summary=summary_line(report.counts), unfilled=report.unfilled,
        unfilled_by_form=report.unfilled_by_form, forms=report.forms,
        evidence=evidence, note=REVIEW_NOTE, **HTML_HELPERS,
    ).encode("utf-8")


def index_html(rows: list[dict], review: bool = False) -> bytes:
    """The list of a batch's papers (or, with review, of their review documents)."""
    return render("index.html.j2", rows=rows, review=review).encode("utf-8")
