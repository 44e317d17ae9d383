"""A self-contained HTML report (inline SVG and CSS, no scripts or external files)."""

from __future__ import annotations

from piflow.report import Report
from piflow.writers.checklist_words import TEMPLATE_HELPERS
from piflow.writers.templates import render


def to_html(report: Report) -> bytes:
    return render(
        "report.html.j2", flow=report.doc.flow, source=report.doc.path, overview=report.overview,
        figures=report.figures, findings=report.findings, counts=report.counts, forms=report.forms,
        **TEMPLATE_HELPERS,
    ).encode("utf-8")


def index_html(rows: list[dict]) -> bytes:
    return render("index.html.j2", rows=rows).encode("utf-8")
