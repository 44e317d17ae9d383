"""A scenario's figure, page by page: lay out (piflow.layout), pin as DOT, render.

``figure_pages`` is what ``piflow draw``, the reports and ``piflow diff`` use: each
page carries its DOT source and its printed size, ``render_page`` draws it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from piflow.diagnostics import InputError
from piflow.draw.dotwriter import page_dot
from piflow.layout.content import Options
from piflow.layout.fit import PAGES, PaperSize, fonts_of, lay_out
from piflow.layout.geometry import Page
from piflow.loader import Document
from piflow.model import Scenario

__all__ = ["FigurePage", "Options", "figure_dot", "figure_pages", "render_all", "render_page", "render_pages"]


@dataclass(frozen=True)
class FigurePage:
    tag: str  # 資料49-3, or 資料49-3（1/2）
    title: str
    number: int
    count: int
    source: str  # pinned DOT, natural size
    width: float  # natural size, pt
    height: float
    scale: float  # natural -> printed
    paper: PaperSize | None
    printed_min: float  # smallest text as printed, pt

    @property
    def printed_size(self) -> tuple[float, float]:
        return self.width * self.scale, self.height * self.scale


def figure_pages(doc: Document, scenario: Scenario, style: dict, options: Options | None = None,
                 page: str = "a4-landscape") -> tuple[list[FigurePage], str | None]:
    """The figure's pages, and a warning when it cannot print at a readable size."""
    fonts, paper = fonts_of(style), PAGES.get(page)

    def pinned(p: Page) -> FigurePage:
        name = scenario.id if p.count == 1 else f"{scenario.id}_{p.number}"
        return FigurePage(p.tag, scenario.title, p.number, p.count, page_dot(p, style, fonts, name),
                          p.width, p.height, math.floor(p.scale * 1e5) / 1e5, paper, p.printed_min)

    fig = lay_out(doc.flow, scenario, style, options, page, finish=pinned)
    return fig.pages, fig.warning


def render_page(fp: FigurePage, fmt: str, dpi: int | None = None) -> bytes:
    from piflow.draw.render import render

    paper = fp.paper.paper if fp.paper else None
    return render(fp.source, fmt, dpi, fp.scale, paper, (fp.width, fp.height))


def batch_entries(pages: list[FigurePage]) -> list[tuple]:
    """The pages as ``render_batch`` and ``PageStream`` take them: (source, scale, paper, size)."""
    return [(p.source, p.scale, p.paper.paper if p.paper else None, (p.width, p.height)) for p in pages]


def render_pages(pages: list[FigurePage], fmt: str, dpi: int | None = None, stream=None) -> list[bytes | InputError]:
    """Every page drawn, in order, by one Graphviz process (the same bytes as one at a time): the
    ``stream`` they were fed to as they were laid out (``render.PageStream``) if it holds them all.

    A page Graphviz cannot draw is its InputError in the list; the others are still drawn.
    """
    from piflow.draw.render import render_batch

    if fmt in ("svg", "png", "pdf") and (len(pages) > 1 or stream is not None):
        entries = batch_entries(pages)
        if stream is not None and stream.holds(entries):
            drawn = stream.drawn()
        else:
            drawn = render_batch(entries, fmt, dpi) if len(pages) > 1 else None
        if drawn is not None:
            return list(drawn)
    out: list[bytes | InputError] = []
    for p in pages:
        try:
            out.append(render_page(p, fmt, dpi))
        except InputError as exc:
            out.append(exc)
    return out


def render_all(pages: list[FigurePage], fmt: str, dpi: int | None = None) -> list[bytes]:
    """Every page drawn by one Graphviz process; a page it cannot draw raises its located error."""
    drawn = render_pages(pages, fmt, dpi)
    for result in drawn:
        if isinstance(result, InputError):
            raise result
    return drawn  # type: ignore[return-value]


def figure_dot(doc: Document, scenario: Scenario, style: dict, options: Options | None = None,
               page: str = "a4-landscape") -> str:
    """The pinned DOT of every page of a figure, one graph after another (for tests and tools)."""
    return "".join(p.source for p in figure_pages(doc, scenario, style, options, page)[0])
