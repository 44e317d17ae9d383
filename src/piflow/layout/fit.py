"""Fit a figure to paper: choose wrap widths, and continue on more pages when needed.

The grid is laid out with several label, box and measure-list widths; the one
that prints largest on the page wins.  When even the best layout would print
its smallest text below ``MIN_PT``, the rows continue on further pages (lane
headers repeated, 資料49-3（1/2）, （2/2）…); with ``--page none`` the figure
keeps one sheet at its natural size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from piflow.forked import in_order
from piflow.gcpause import gc_paused

from piflow.layout.content import FigureContent, Options, figure_content
from piflow.layout.geometry import Page
from piflow.layout.checks import LIST_CHARS
from piflow.layout.grid import Grid, PageSpec, Params
from piflow.layout.text import Fonts
from piflow.model import Flow, Scenario

MIN_PT = 7.0  # smallest text that reads on paper
COMFORT_PT = 8.0  # above this, fewer wrapped lines matter more than larger print
MAX_SCALE = 1.0  # a small figure is not enlarged: its text prints at the theme sizes
MM = 72 / 25.4


@dataclass(frozen=True)
class PaperSize:
    name: str
    paper_mm: tuple[float, float]  # width, height
    margin_mm: float = 10.0

    @property
    def printable(self) -> tuple[float, float]:
        """Printable area in pt."""
        w, h = self.paper_mm
        return (w - 2 * self.margin_mm) * MM, (h - 2 * self.margin_mm) * MM

    @property
    def paper(self) -> tuple[float, float]:
        return self.paper_mm[0] * MM, self.paper_mm[1] * MM


PAGES = {
    "a4-landscape": PaperSize("a4-landscape", (297, 210)),
    "a4-portrait": PaperSize("a4-portrait", (210, 297)),
    "a3-landscape": PaperSize("a3-landscape", (420, 297)),
}
PAGE_CHOICES = (*PAGES, "none")


@dataclass
class FittedFigure:
    tag: str
    pages: list  # each page as the fit's ``finish`` made it (the Page itself unless asked otherwise)
    paper: PaperSize | None
    warning: str | None = None


def fonts_of(style: dict) -> Fonts:
    return Fonts(float(style["fontsize"]), float(style["small_fontsize"]), float(style["title_fontsize"]))


LABEL_CHARS = (7, 9, 11, 13, 16, 20, 25)  # label wrap widths tried, in characters
CALLOUT_CHARS = (LIST_CHARS, 14, 18, 24)  # measure-list wrap widths tried, in characters


def _params(fonts: Fonts, label_chars=LABEL_CHARS, cols=(0, 1, 2), rooms=(False,)) -> list[Params]:
    body, small = fonts.body * 1.05, fonts.small * 1.05
    callouts = tuple(c * small for c in CALLOUT_CHARS)
    out = []
    for lc in label_chars:
        box = min(10, max(6, round(lc * 0.7)))
        for c in cols:
            for room in rooms:
                out.append(Params(lc * body, box * body, callouts, room, c))
    return out


QUICK = dict(label_chars=(9, 12, 16))


def _itself(page: Page) -> Page:
    return page


class Fitter:
    """``finish`` turns each page laid out into what the caller keeps (the DOT of it, for a drawing),
    in the process that laid it out: the pages of a long figure are laid out on two cores."""

    def __init__(self, content: FigureContent, style: dict, paper: PaperSize | None,
                 finish: Callable[[Page], Any] = _itself):
        self.c, self.style, self.paper, self.finish = content, style, paper, finish
        self.fonts = fonts_of(style)
        rows = content.rows
        self.first: dict[str, int] = {}
        for i, r in enumerate(rows):
            for e in (r.tail, r.head):
                self.first.setdefault(content.holder_of(e).key, i)
        self.idle = {k for k in content.holders if k not in self.first}
        self.memo: dict = {}  # wrapped shapes every candidate shares (Grid.memo)

    def scale(self, page: Page) -> float:
        if self.paper is None:
            return 1.0
        pw, ph = self.paper.printable
        return min(pw / page.width, ph / page.height, MAX_SCALE)

    def spec(self, i: int, j: int, number: int = 1, count: int = 1, findings: str = "full") -> PageSpec:
        rows = self.c.rows[i:j]
        callouts = {k for k, r in self.first.items() if i <= r < j} | (self.idle if i == 0 else set())
        # The footnotes of the steps on this page and of the holders whose lists are here.
        marks = {r.footnote for r in rows} | {self.c.holders[k].footnote for k in callouts}
        footnotes = [(m, ps) for m, ps in self.c.footnotes if m in marks]
        tag = self.c.tag if count == 1 else f"{self.c.tag}（{number}/{count}）"
        return PageSpec(rows, self.idle if i == 0 else set(), callouts, footnotes, j >= len(self.c.rows), tag, number,
                        count, findings)

    def _framed(self, spec: PageSpec, params: Params) -> tuple[tuple, Grid]:
        """The candidate's columns and rows, with the most its rank can be once complete.

        The columns and rows fix the page's width, the least height, the most its smallest text
        can print at and the fewest lines it can have; the free space (the costly part) comes later.
        """
        grid = Grid(self.c, spec, params, self.fonts, self.style, self.memo)
        grid.frame()
        lines, smallest, width, height = grid.bound()
        printed = round(round(smallest * self._scale(width, height), 2), 1)
        return (min(printed, COMFORT_PT), -lines, printed, -round(width * height)), grid

    def _completed(self, grid: Grid) -> tuple[tuple, Page]:
        page = grid.complete()
        page.scale = self.scale(page)
        # Largest print first (to 0.1 pt) up to COMFORT_PT; then the fewest wrapped lines (text
        # that reads on), then larger print, then the smaller sheet.
        printed = round(page.printed_min, 1)
        return (min(printed, COMFORT_PT), -page.line_count, printed, -round(page.width * page.height)), page

    def _scale(self, width: float, height: float) -> float:
        if self.paper is None:
            return 1.0
        pw, ph = self.paper.printable
        return min(pw / width, ph / height, MAX_SCALE)

    def _fits_at_all(self, spec: PageSpec, params: Params) -> bool:
        """Whether the candidate prints at MIN_PT; the free space is packed only when it could."""
        grid = Grid(self.c, spec, params, self.fonts, self.style, self.memo)
        grid.frame()
        _, smallest, width, height = grid.bound()
        if round(smallest * self._scale(width, height), 2) < MIN_PT - 1e-6:
            return False
        page = grid.complete()
        page.scale = self.scale(page)
        return self.fits(page)

    def _best_of(self, spec: PageSpec, candidates, best=None):
        """The candidate that ranks highest, the first of equals (as ``max`` picks); ``best``, the
        choice so far, stays unless one ranks strictly above it.

        Best first, and exact: every candidate is framed (cheap), then completed in the order of
        the most it can rank, highest first; one whose bound cannot beat the best so far is never
        completed, and once one cannot, none after it can.
        """
        framed = [(*self._framed(spec, params), i, params) for i, params in enumerate(candidates)]
        best_i = -1  # the choice so far came before every candidate
        for bound, grid, i, params in sorted(framed, key=lambda f: (f[0], -f[2]), reverse=True):
            if best is not None and bound <= best[0]:
                if bound < best[0]:
                    break
                if i > best_i:
                    continue  # at most a tie, and a later one
            rank, page = self._completed(grid)
            if best is None or rank > best[0] or (rank == best[0] and i < best_i):
                best, best_i = (rank, page, params), i
        return best

    def best(self, spec: PageSpec, quick: bool = False) -> Page:
        """The layout that prints largest: a grid of choices, then lane by lane; each step keeps the best."""
        if quick:
            return self._best_of(spec, _params(self.fonts, **QUICK))[1]
        # 1. Every label wrap width, with room for none, one or two columns of measure list in
        #    the lanes that have one, with and without an empty column beside the boxes.
        # (The widths the page split tries are among them: a page found to fit is laid out to fit.)
        chars = tuple(sorted({*LABEL_CHARS, *QUICK["label_chars"]}))
        best = self._best_of(spec, _params(self.fonts, chars, rooms=(False, True)))
        # 2. Lane by lane: room for two, one or no columns of measure list beside the boxes.
        for lane in self.c.lanes:
            if not any(h.callout for h in lane.holders):
                continue
            for cols in (0, 1, 2):
                params = best[2]
                trial = replace(params, lane_cols=tuple(sorted({**dict(params.lane_cols), lane.id: cols}.items())))
                best = self._best_of(spec, [trial], best)
        # 3. Measure lists that may reach lower, to wrap less where the page has the room.
        for slack in (40.0, 80.0, 160.0):
            best = self._best_of(spec, [replace(best[2], callout_slack=slack)], best)
        return best[1]

    def fits(self, page: Page) -> bool:
        return page.printed_min >= MIN_PT - 1e-6

    def fit(self) -> FittedFigure:
        n = len(self.c.rows)
        if self.paper is None:
            return self._checked([self.best(self.spec(0, n), quick=n > 60)])
        one = self.best(self.spec(0, 1), quick=True)
        if not self.fits(one):
            # Too wide for the paper even with one step a page: more pages would not help.
            return self._checked([self.best(self.spec(0, n), quick=True)])
        if n <= 60:
            whole = self.best(self.spec(0, n))
            if self.fits(whole) or n <= 1:
                return self._checked([whole])
            if self.c.findings:
                # --audit: the steps stay on one page as the plain figure does; the findings are
                # listed one line per rule, naming where their marks are.
                brief = self.best(self.spec(0, n, findings="brief"))
                if self.fits(brief):
                    return self._checked([brief])
        bounds = self._split(n)
        count = len(bounds)
        # The pages are laid out (and finished) here and by a forked copy on the other core, which
        # starts with everything the split has measured; they come back in order.
        calls = [(i, j, k + 1, count, n > 60) for k, (i, j) in enumerate(bounds)]
        return self._checked(list(in_order(self._finished_page, calls)), finished=True)

    def _finished_page(self, i: int, j: int, number: int, count: int, quick: bool):
        return self.finish(self.best(self.spec(i, j, number, count), quick=quick))

    def _split(self, n: int) -> list[tuple[int, int]]:
        """Greedy: each page takes as many rows as still print at MIN_PT.

        The search for a page's end starts from the size of the page before and gallops away
        from it (pages of one figure are mostly alike, so usually two trials: this many rows fit,
        one more does not), then halves the interval it found.
        """
        bounds = []
        i, guess = 0, 8
        # Deciding where a page ends needs only a yes or no: try the likeliest widths first,
        # the one that fitted last first of all (the answer does not depend on the order).
        split_params = _params(self.fonts, QUICK["label_chars"], cols=(1,))
        while i < n:
            def ok(j: int) -> bool:
                spec = self.spec(i, j)
                for k, params in enumerate(split_params):
                    if self._fits_at_all(spec, params):
                        split_params.insert(0, split_params.pop(k))
                        return True
                return False

            good, bad = i + 1, None  # a page takes one row at least
            j = min(n, i + guess)
            if j <= good or ok(j):
                good, step = max(good, j), 1
                while good < n:
                    j = min(n, good + step)
                    if not ok(j):
                        bad = j
                        break
                    good, step = j, 2 * step
            else:
                bad, step = j, 1
                while bad - step > good:
                    if ok(bad - step):
                        good = bad - step
                        break
                    bad, step = bad - step, 2 * step
            if bad is not None:
                while bad - good > 1:
                    mid = (good + bad) // 2
                    if ok(mid):
                        good = mid
                    else:
                        bad = mid
            bounds.append((i, good))
            guess = max(1, good - i)
            i = good
        return bounds

    def _checked(self, pages: list, finished: bool = False) -> FittedFigure:
        if not finished:
            pages = [self.finish(p) for p in pages]
        warning = None
        worst = min(p.printed_min for p in pages)
        if worst < MIN_PT - 1e-6 and self.paper is not None:
            warning = (f"{self.c.tag}: 図の幅が用紙（{self.paper.name}）に収まらないため、最小の文字が {worst:.1f}pt で印刷されます。"
                       "--page a3-landscape か --page none を使うか、図のレーンを減らしてください "
                       f"(the figure is too wide for {self.paper.name}: smallest text {worst:.1f} pt)")
        return FittedFigure(self.c.tag, pages, self.paper, warning)


@gc_paused()
def lay_out(flow: Flow, scenario: Scenario, style: dict, options: Options | None = None,
            page: str = "a4-landscape", finish: Callable[[Page], Any] = _itself) -> FittedFigure:
    """The scenario's figure as geometry, on as many pages as it needs; each page as ``finish`` makes it.

    The cycle collector waits until the figure is done: a long figure's wrapped text and
    candidate pages are many small objects without cycles, and walking them all again and
    again took a fifth of a 10,000-step layout (docs/performance.md)."""
    content = figure_content(flow, scenario, style, options)
    return Fitter(content, style, PAGES.get(page), finish).fit()
