"""The swim-lane grid: one column per holder, one row band per step.

Given a figure's content, the rows of one page and a few wrap widths, place
everything: lanes left to right, holders as boxes spanning the rows of their
steps, each arrow straight and horizontal in its own row (so no two arrows can
cross and ① reads above ②), each label in a gap between two columns of its
arrow's span just above it, steps inside one holder as notes in its box, a bar
broken where an arrow it does not join passes, the legend's line samples; the
measure lists and the findings box go into free space (``layout.lists``).
``layout.fit`` tries several wrap widths and keeps the grid that prints largest
on the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import permutations

from piflow.layout.content import (LEGEND_HEAD, LEGEND_ORDER, FigureContent, HolderContent, RowContent, findings_paras,
                                   legend_entries)
from piflow.layout.geometry import (PAD, SHAPE_BOTTOM, SHAPE_EDGE, TITLE_MARGIN, Arrow, Holder, Lane, Link, Page, Rect,
                                    Sample, TextBox)
from piflow.layout.lists import FreeSpace
from piflow.layout.text import Block, Fonts, Para, natural_width, printed_sizes

MARGIN = 6.0  # around the figure
GAP_MIN = 16.0  # between two columns that carry no label
LANE_PAD = 8.0  # from a lane's border to its first box
ARROW_BELOW = 8.0  # from an arrow to the next row
LABEL_GAP = 2.0  # from a label to its arrow
MIN_BOX = 44.0
SAMPLE = 28.0  # length of a legend's line sample
BAR_GAP = 4.0  # half the break in a bar where an arrow it does not join passes
PERMUTE_MAX = 5  # holders in one lane whose orders are all tried
PERMUTE_ROWS = 200  # beyond this many rows, keep the declared order


@dataclass(frozen=True)
class Params:
    label_width: float  # wrap width of arrow labels (pt)
    box_width: float  # wrap width of holder titles (pt)
    callout_widths: tuple[float, ...]  # wrap widths tried for measure lists (pt)
    callout_room: bool = False  # give each lane with a measure list an empty column for it
    callout_cols: int = 0  # make lanes with measure lists wide enough for this many text columns
    lane_cols: tuple[tuple[str, int], ...] = ()  # the same, for single lanes (lane id, columns)
    callout_slack: float = 0.0  # how far a measure list may reach below the rows to wrap less (pt)


@dataclass
class PageSpec:
    """What one page shows."""

    rows: list[RowContent]
    idle: set[str]  # holder keys shown without a step on this page
    callouts: set[str]  # holder keys whose measure list is on this page
    footnotes: list[tuple[str, list[Para]]]
    changes: bool  # the box of changes (piflow diff), on the last page
    tag: str
    number: int = 1
    count: int = 1
    findings: str = "full"  # the findings whose marks are on this page: full, brief (one line per rule)


class Grid(FreeSpace):
    def __init__(self, content: FigureContent, spec: PageSpec, params: Params, fonts: Fonts, style: dict,
                 memo: dict | None = None):
        self.c, self.spec, self.p, self.fonts, self.style = content, spec, params, fonts, style
        self.memo = {} if memo is None else memo  # shapes the candidates of one fit share (layout.fit)
        self.holders = content.holders
        self.sizes: set[str] = set()

    # --- text ---------------------------------------------------------------------------

    def block(self, paras: list[Para], limit: float) -> Block:
        # Looked up by the paragraphs' identity (they are kept with the block, so no other paragraph
        # can take their ids while the memo lives): hashing paragraphs costs more than wrapping them
        # once, and the candidates of a fit ask for the same blocks again and again.
        key = (*map(id, paras), limit)
        made = self.memo.get(key)
        if made is None:
            sizes = printed_sizes(paras)
            # A label never wraps narrower than its longest unbreakable word would allow.
            made = self.memo[key] = (tuple(paras), Block.of(self.fonts, paras, max(limit, 4 * self.fonts.body)), sizes)
        self.sizes |= made[2]
        return made[1]

    # --- columns -------------------------------------------------------------------------

    def _endpoint_key(self, endpoint: str) -> str:
        return self.c.holder_of(endpoint).key

    def columns(self) -> list[list[str]]:
        """Holder keys per lane, left to right, ordered to keep arrows off boxes.

        The order depends on the page's rows only, so the candidates of one page share it.
        """
        return [list(cols) for cols in self._per_page("columns", self._columns)]

    def _columns(self) -> list[list[str]]:
        rows = self.spec.rows
        active = {self._endpoint_key(e) for r in rows for e in (r.tail, r.head)}
        lanes = [[h.key for h in lane.holders if h.key in active] for lane in self.c.lanes]
        if len(rows) > PERMUTE_ROWS:
            return lanes
        span = self.row_spans()
        ends = [(self._endpoint_key(r.tail), self._endpoint_key(r.head), i) for i, r in enumerate(rows) if not r.inside]
        for li, cols in enumerate(lanes):
            if not 1 < len(cols) <= PERMUTE_MAX:
                continue
            best = None
            for perm in permutations(cols):
                trial = lanes[:li] + [list(perm)] + lanes[li + 1:]
                order = {k: i for i, k in enumerate(k for lane in trial for k in lane)}
                over = length = 0
                for a, b, row in ends:
                    lo, hi = sorted((order[a], order[b]))
                    length += hi - lo
                    over += sum(1 for k, i in order.items() if lo < i < hi and span[k][0] <= row <= span[k][1])
                cost = (over, length)
                if best is None or cost < best[0]:
                    best = (cost, list(perm))
            lanes[li] = best[1]  # type: ignore[index]
        return lanes

    def row_spans(self) -> dict[str, tuple[int, int]]:
        """Holder key -> its first and last row on this page (shared like ``columns``; not to be changed)."""
        return self._per_page("spans", self._row_spans)

    def _per_page(self, name: str, make):
        """What ``make`` gives for this page's rows, made once for all the page's candidates (kept with
        the spec in the memo, so no other spec can take its id while the memo lives)."""
        key = (name, id(self.spec))
        made = self.memo.get(key)
        if made is None:
            made = self.memo[key] = (self.spec, make())
        return made[1]

    def _row_spans(self) -> dict[str, tuple[int, int]]:
        span: dict[str, tuple[int, int]] = {}
        for i, r in enumerate(self.spec.rows):
            for e in (r.tail, r.head):
                k = self._endpoint_key(e)
                lo, hi = span.get(k, (i, i))
                span[k] = (min(lo, i), max(hi, i))
        return span

    # --- the page ----------------------------------------------------------------------------

    def build(self) -> Page:
        """Place everything, phase by phase; each phase reads what the earlier ones placed."""
        self.frame()
        return self.complete()

    def frame(self) -> None:
        """The columns, rows, boxes and lines: what fixes the page's width and ``bound``.

        The arrows and their labels' boxes are made by ``complete``: the bound needs only their
        wrapped text, and most candidates of a search are never completed."""
        self._measure()
        self._lay_columns()
        self._assign_gaps()
        self._place_columns()
        y = self._title(MARGIN)
        self.top = y
        y = self._headers(y)
        y = self._idle_band(y)
        self._rows(y)
        self._links()

    def complete(self) -> Page:
        """After ``frame``: the arrows, the measure lists and idle boxes in free space, the legend, the page."""
        self._arrows_and_notes()
        self._break_bars()
        self._pack()
        return self._finish()

    def bound(self) -> tuple[int, float, int, int]:
        """After ``frame``, what the finished page cannot exceed or fall short of: at least this many
        lines of text, its smallest text no larger than this, exactly this wide, at least this tall.

        Every later phase only adds text (each paragraph at least one line) and only grows the
        figure downwards, so a layout search can skip a candidate that cannot win (``layout.fit``).
        """
        lines = sum(len(c.lines) for b in (self.title_box, self.tagbox, *self.extras) for c in b.columns)
        lines += sum(len(b.lines) for b in self.header_blocks)
        lines += sum(len(b.lines) for b in self.labels.values())  # the arrows' labels
        lines += sum(len(b.lines) for b in self.notes.values())  # the notes in boxes
        lines += sum(len(h.title.lines) for h in self.holder_boxes)
        # Still to come, each paragraph one line at least: the idle boxes packed later, the measure
        # lists and the footnotes (their first paragraph is the box's head, not counted), the
        # legend (its head and one line per style).
        if not self.banded:
            lines += sum(len(self.holders[k].title) for k in self.idle_titles)
        lists = [(li, h) for li, lane in enumerate(self.c.lanes) for h in lane.holders
                 if h.key in self.spec.callouts and h.callout]
        lines += sum(self._list_lines(li, h) for li, h in lists)
        used = self._legend_used()
        entries = self._legend_entries(used)
        if entries:
            lines += 1 + len(entries)
        lines += max(0, sum(len(ps) for _, ps in self.spec.footnotes) - 1)
        # The legend goes under whatever is lowest, as high as it is wherever it starts.
        bottom = max([self.rows_bottom] + [h.rect.y1 + 4 for h in self.holder_boxes])
        legend_end = bottom + 2 + self._legend_height(used, self._inner())
        # The measure lists' and the legend's text sizes are certain to be printed (``callout_shapes``
        # and ``_legend_height`` add them).
        sizes = self.sizes.union(*(printed_sizes(h.callout) for _, h in lists))
        smallest = min((self.fonts.size(s) for s in sizes), default=math.inf)
        # (Less a hair: the legend's height was summed from 0, the page's from its bottom.)
        return lines, smallest, math.ceil(self.fig_w), math.ceil(max(legend_end, bottom) + MARGIN - 2 - 1e-6)

    def _list_lines(self, li: int, h: HolderContent) -> int:
        """The fewest lines a measure list can take (not its head): the fewest of the shapes
        ``_place_callout`` tries, or one per item where its lane may be too narrow for all of them
        (then the list is wrapped to the lane, which the shapes do not tell)."""
        shapes = self.callout_shapes(h.callout[0], list(h.callout[1:]))
        lane_w = (self.bounds[li][1] - 3) - (self.bounds[li][0] + 3)
        if min(w for w, *_ in shapes) > lane_w:
            return len(h.callout) - 1
        return min(sum(len(c.lines) for c in cols) for _, _, _, cols, _ in shapes)

    # --- phases -----------------------------------------------------------------------------

    def _measure(self) -> None:
        """Wrapped text of every box, and each column's width."""
        p, rows = self.p, self.spec.rows
        self.lanes_cols = self.columns()
        self.span = self.row_spans()
        self.titles = {k: self.block(self.holders[k].title, p.box_width) for cols in self.lanes_cols for k in cols}
        self.idle_titles = {k: self.block(self.holders[k].title, p.box_width) for k in sorted(self.spec.idle)
                            if k not in self.titles}
        self.notes = {i: self.block(r.label, p.box_width) for i, r in enumerate(rows) if r.inside}
        self.labels = {i: self.block(r.label, p.label_width) for i, r in enumerate(rows) if not r.inside}
        # Column widths: the title, and any note a step inside the holder puts in the box.
        self.width: dict[str, float] = {}
        for k, blk in self.titles.items():
            self.width[k] = max(MIN_BOX, blk.width + 2 * PAD + self._edge(k)[0])
        for i, blk in self.notes.items():
            k = self._endpoint_key(rows[i].tail)
            self.width[k] = max(self.width[k], blk.width + 4 * PAD + 4)

    def _lay_columns(self) -> None:
        """All columns left to right (lanes with no holder on this page keep a placeholder)."""
        if self.p.callout_room:
            self._add_rooms(self.lanes_cols, self.width)
        self.flat: list[str] = []
        self.lane_of_col: list[int] = []
        for li, cols in enumerate(self.lanes_cols):
            if not cols:
                cols = [f"lane:{self.c.lanes[li].id}"]
                self.width[cols[0]] = 3 * self.fonts.body  # only the lane's header needs room here
                self.lanes_cols[li] = cols
            self.flat += cols
            self.lane_of_col += [li] * len(cols)
        self.index = {k: i for i, k in enumerate(self.flat)}

    def _assign_gaps(self) -> None:
        """Each label into one gap of its arrow's span: a gap some arrow must use anyway if there
        is one, else the middle one.  Gaps with no label stay narrow."""
        rows, index = self.spec.rows, self.index
        ends = {i: sorted((index[self._endpoint_key(rows[i].tail)], index[self._endpoint_key(rows[i].head)]))
                for i in self.labels}
        forced = {a for a, b in ends.values() if b - a == 1}
        widest: dict[int, float] = {}  # gap -> its widest label so far
        self.gap_of: dict[int, int] = {}
        for i, (a, b) in ends.items():
            choices = [g for g in range(a, b) if g in forced]
            if choices:
                g = max(choices, key=lambda g: (widest.get(g, 0.0), -g))
            else:
                g = (a + b - 1) // 2
                forced.add(g)
            self.gap_of[i] = g
            widest[g] = max(widest.get(g, 0.0), self.labels[i].width)
        lane_of_col = self.lane_of_col
        self.gaps = [GAP_MIN + (2 * LANE_PAD if lane_of_col[g] != lane_of_col[g + 1] else 0)
                     for g in range(len(self.flat) - 1)]
        for g, w in widest.items():
            self.gaps[g] = max(self.gaps[g], w + 2 * PAD + 4)

    def _lane_minimums(self) -> list[float]:
        """Room each lane needs: its header's longest word, its idle boxes, its measure lists."""
        fonts, p = self.fonts, self.p
        lane_min = [0.0] * len(self.lanes_cols)
        for li, lane in enumerate(self.c.lanes):
            lane_min[li] = self._header_minimum(lane)
            for k, blk in self.idle_titles.items():
                if self.holders[k].lane == lane.id:
                    lane_min[li] = max(lane_min[li], blk.width + 2 * PAD + 2 * LANE_PAD)
            lists = [h.callout for h in lane.holders if h.key in self.spec.callouts and h.callout]
            if lists:
                # Room for the lane's measure lists: one text column, or two for long lists.
                cols = dict(p.lane_cols).get(lane.id, p.callout_cols)
                if max(len(c) for c in lists) < 8:
                    cols = min(1, cols)
                want = cols * (p.callout_widths[1] + 8) + 2 * PAD + 2 * LANE_PAD
                lane_min[li] = max(lane_min[li], want if cols else min(p.callout_widths) + 2 * PAD + 2 * LANE_PAD)
        return lane_min

    def _header_minimum(self, lane) -> float:
        """The header wraps, but never narrower than 4 characters or its longest word (the same for every page)."""
        key = ("header", lane.id)
        if key not in self.memo:
            fonts = self.fonts
            words = _words(lane.header[0].text)
            header_word = max(natural_width(fonts, [Para.of(w, bold=True)]) for w in words)
            header_min = min(natural_width(fonts, [Para.of(lane.header[0].text, bold=True)]), 4 * fonts.body * 1.05)
            self.memo[key] = max(0.0, header_word + 2 * PAD + 2, header_min + 2 * PAD + 2)
        return self.memo[key]

    def _place_columns(self) -> None:
        """x of every column; lane borders in the middle of the gaps between lanes."""
        flat, width, gaps, lane_of_col = self.flat, self.width, self.gaps, self.lane_of_col
        lane_min = self._lane_minimums()
        extra = [0.0] * len(self.lanes_cols)  # room added on each side of a lane's columns
        for _ in range(2):  # a second pass once the lanes that are too narrow are known
            xs, x = [], MARGIN
            for ci, k in enumerate(flat):
                li = lane_of_col[ci]
                if ci == 0 or lane_of_col[ci - 1] != li:
                    x += extra[li] + (LANE_PAD if ci == 0 else 0)
                xs.append(x)
                x += width[k]
                if ci + 1 < len(flat):
                    x += gaps[ci]
                    if lane_of_col[ci + 1] != li:
                        x += extra[li]  # the right-hand share of this lane's extra room
            bounds = self._lane_bounds(xs, flat, width, lane_of_col, gaps, extra)
            grow = [max(0.0, lane_min[li] - (b[1] - b[0])) for li, b in enumerate(bounds)]
            if not any(grow):
                break
            extra = [e + g / 2 for e, g in zip(extra, grow)]
        self.xs, self.bounds = xs, bounds
        self.fig_w = bounds[-1][1] + MARGIN
        # A gap wider than its widest label (a lane made wide for its lists) lets labels use it.
        for i, g in self.gap_of.items():
            room = xs[g + 1] - (xs[g] + width[flat[g]]) - 2 * PAD - 4
            if room > self.labels[i].width + self.fonts.body:
                self.labels[i] = self.block(self.spec.rows[i].label, min(room, 2 * self.p.label_width))

    def _title(self, y: float) -> float:
        """The title line (title left, 資料 tag right) and the notes under it."""
        fig_w = self.fig_w
        shown = f"（{self.c.tag}）" + (f"（{self.spec.number}/{self.spec.count}）" if self.spec.count > 1 else "")
        tag_block = self.block([Para.of(shown, bold=True)], 1e6)
        title_block = self.block(self.c.title, fig_w - 2 * MARGIN - tag_block.width - 16)
        self.title_box = TextBox(Rect(MARGIN, y, title_block.width + 2 * PAD, title_block.height + 2 * PAD),
                                 (title_block,), "title")
        self.tagbox = TextBox(Rect(fig_w - MARGIN - tag_block.width - 2 * PAD, y, tag_block.width + 2 * PAD,
                                   tag_block.height + 2 * PAD), (tag_block,), "tag", align="right")
        y += max(self.title_box.rect.h, self.tagbox.rect.h)
        self.extras: list[TextBox] = []
        if self.c.notes:
            nb = self.block(self.c.notes, fig_w - 2 * MARGIN - 2 * PAD)
            self.extras.append(TextBox(Rect(MARGIN, y, nb.width + 2 * PAD, nb.height + 2 * PAD), (nb,), "notes"))
            y += nb.height + 2 * PAD
        return y + 4

    def _headers(self, y: float) -> float:
        self.header_blocks = [self.block(lane.header, (b[1] - b[0]) - 2 * PAD) for lane, b in zip(self.c.lanes, self.bounds)]
        self.header_h = max(h.height for h in self.header_blocks) + 2 * PAD + 2
        return y + self.header_h + 4

    def _idle_band(self, y: float) -> float:
        """Holders with no step on this page: a band of their own under the headers when
        operating lines must run beneath them; otherwise they are packed with the lists."""
        self.holder_boxes: list[Holder] = []
        self.placed: dict[str, Rect] = {}
        self.banded = bool(self.c.links and self.idle_titles)
        bottom = y
        for li, lane in enumerate(self.c.lanes if self.banded else []):
            yy = y
            for k, blk in self.idle_titles.items():
                if self.holders[k].lane != lane.id:
                    continue
                w, h = blk.width + 2 * PAD + self._edge(k)[0], blk.height + 2 * PAD + self._edge_y(k)
                cx = (self.bounds[li][0] + self.bounds[li][1]) / 2
                self._put(k, Rect(cx - w / 2, yy, w, h), blk, idle=True)
                yy += h + 6
            bottom = max(bottom, yy)
        y = bottom + (4 if self.banded else 0)
        self.channel_y = None
        if self.c.links:
            self.channel_y = y + 3
            y += 10
        return y

    def _rows(self, y: float) -> None:
        """One band per step: room above the arrow for its label (or note) and for the titles
        of boxes that start there; then the boxes, from their first row to their last."""
        first_row = {k: s[0] for k, s in self.span.items()}
        self.row_top: list[float] = []
        self.arrow_y: list[float] = []
        for i, r in enumerate(self.spec.rows):
            starting = [self.titles[k].height + 2 * PAD + 2 + self._edge_y(k) for k, s in first_row.items() if s == i]
            above = max(starting, default=0.0)
            if r.inside:
                above = max(above, 0.0) + self.notes[i].height + 2 * PAD + 2
                if not starting:
                    above = self.notes[i].height + 2 * PAD + 2
            else:
                above = max(above, self.labels[i].height + 2 * PAD + LABEL_GAP)
            self.row_top.append(y)
            self.arrow_y.append(y + above + 2)
            y = self.arrow_y[-1] + ARROW_BELOW
        self.rows_bottom = y
        for k, (lo, hi) in self.span.items():
            top = self.row_top[lo] + 1
            rect = Rect(self.xs[self.index[k]], top, self.width[k], self.arrow_y[hi] + ARROW_BELOW / 2 - top)
            self._put(k, rect, self.titles[k])

    def _arrows_and_notes(self) -> None:
        self.arrows: list[Arrow] = []
        self.note_boxes: list[TextBox] = []
        for i, r in enumerate(self.spec.rows):
            if r.inside:
                k = self._endpoint_key(r.tail)
                box, blk = self.placed[k], self.notes[i]
                w, h = box.w - 2 * PAD - 2, blk.height + 2 * PAD
                rect = Rect(box.x + PAD + 1, self.arrow_y[i] - h, w, h)
                self.note_boxes.append(TextBox(rect, (blk,), "note", step=r.step, order=r.order, align="center",
                                               owner=k, flagged=r.flagged, ground=True))
                continue
            tk, hk = self._endpoint_key(r.tail), self._endpoint_key(r.head)
            tail, head = self.placed[tk], self.placed[hk]
            ya = self.arrow_y[i]
            x0, x1 = (tail.x1, head.x) if tail.cx < head.cx else (tail.x, head.x1)
            g = self.gap_of[i]
            gx0, gx1 = self.xs[g] + self.width[self.flat[g]], self.xs[g + 1]
            blk = self.labels[i]
            lw, lh = blk.width + 2 * PAD, blk.height + 2 * PAD
            rect = Rect((gx0 + gx1) / 2 - lw / 2, ya - LABEL_GAP - lh, lw, lh)
            label = TextBox(rect, (blk,), "label", step=r.step, order=r.order, align="center", flagged=r.flagged,
                            ground=True)
            self.arrows.append(Arrow(r.step, r.order, tk, hk, ((round(x0, 1), ya), (round(x1, 1), ya)), r.cls, label,
                                     flagged=r.flagged, removed=r.removed))

    def _break_bars(self) -> None:
        """An arrow never runs over a bar it does not join: the bar breaks where the arrow passes
        (when no order of the lane's columns avoids it)."""
        gaps: dict[str, list[tuple[float, float]]] = {}
        for a in self.arrows:
            (x0, y), (x1, _) = a.points[0], a.points[-1]
            lo, hi = min(x0, x1), max(x0, x1)
            for h in self.holder_boxes:
                r = h.rect
                if h.key not in (a.tail, a.head) and lo < r.cx < hi and r.y < y < r.y1:
                    gaps.setdefault(h.key, []).append((round(y - BAR_GAP, 1), round(y + BAR_GAP, 1)))
        if gaps:
            self.holder_boxes = [replace(h, gaps=tuple(sorted(gaps[h.key]))) if h.key in gaps else h
                                 for h in self.holder_boxes]

    def _links(self) -> None:
        """Operating lines, through the channel under the headers."""
        self.link_lines: list[Link] = []
        for op, sysk in self.c.links:
            if op not in self.placed or sysk not in self.placed or self.channel_y is None:
                continue
            a, b, cy = self.placed[op], self.placed[sysk], self.channel_y
            start = (a.cx, a.y1) if a.y1 <= cy else (a.cx, a.y)
            self.link_lines.append(Link(op, sysk, (start, (a.cx, cy), (b.cx, cy), (b.cx, b.y))))

    def _finish(self) -> Page:
        """The legend and the boxes under the figure; the lanes down to them; the page."""
        fonts, callouts = self.fonts, self.callouts
        bottom = max([self.rows_bottom] + [b.rect.y1 + 4 for b in callouts] + [h.rect.y1 + 4 for h in self.holder_boxes])
        used = self._legend_used()
        inner = self._inner()
        y = bottom + 2
        y = self._legend(used, inner, y)
        boxes = [("footnotes", [p for _, ps in self.spec.footnotes for p in ps])]
        # Each page explains the marks it carries: the findings on its steps and its boxes.
        marked = {r.key for r in self.spec.rows} | {h.key for h in self.holder_boxes}
        notes = [n for n in self.c.findings if n.key in marked]
        boxes.append(("findings", findings_paras(notes, self.style, brief=self.spec.findings == "brief")))
        if self.spec.changes:
            boxes.append(("changes", self.c.changes))
        for kind, paras in boxes:
            if not paras:
                continue
            box = self._in_free_space(paras, kind, bottom) if kind == "findings" else None
            if box is None:
                box = self._columns_box(paras, inner, kind, MARGIN, y)
                y = box.rect.y1 + 4
            self.extras.append(box)
        fig_h = max(y, bottom) + MARGIN - 2
        top = self.top
        # The lanes end above the legend and the boxes under the figure.
        lanes = [Lane(lane.id, lane.style, Rect(b[0], top, b[1] - b[0], bottom - top),
                      TextBox(Rect(b[0], top, b[1] - b[0], self.header_h), (hb,), "header", align="center"))
                 for lane, b, hb in zip(self.c.lanes, self.bounds, self.header_blocks)]
        smallest = min((fonts.size(s) for s in self.sizes), default=fonts.body)
        # Whole points: Graphviz sizes its canvas (and the SVG viewBox) in whole points.
        return Page(self.spec.tag, self.spec.number, self.spec.count, math.ceil(self.fig_w), math.ceil(fig_h),
                    self.title_box, self.tagbox, lanes, self.holder_boxes, self.arrows, self.note_boxes, callouts,
                    self.link_lines, self.leaders, self.extras, used, self.samples, smallest=smallest, fonts=fonts)

    def _inner(self) -> float:
        """The width of the boxes under the figure (legend, footnotes) inside their padding."""
        return self.fig_w - 2 * MARGIN - 2 * PAD

    def _legend_used(self) -> list[str]:
        """The line styles the legend explains, in its order."""
        # From the rows, as the arrows and notes will be drawn (``bound`` asks before they are made).
        rows = self.spec.rows
        return sorted({r.cls for r in rows if not r.inside} | {"internal" for r in rows if r.inside}
                      | ({"operates"} if self.link_lines else set()),
                      key=lambda c: LEGEND_ORDER.index(c) if c in LEGEND_ORDER else len(LEGEND_ORDER))

    def _legend_entries(self, used: list[str]) -> list:
        """``legend_entries``, the same paragraphs for every candidate (``block`` looks them up by identity)."""
        key = ("legend", *used)
        made = self.memo.get(key)
        if made is None:
            made = self.memo[key] = legend_entries(self.style, used)
        return made

    def _legend_height(self, used: list[str], inner: float) -> float:
        """How far the legend reaches down from where it starts (the same for every candidate as wide)."""
        key = ("legend height", inner, *used)
        made = self.memo.get(key)
        if made is None:
            entries = self._legend_entries(used)
            sizes = printed_sizes([LEGEND_HEAD, *(para for _, para in entries)]) if entries else frozenset()
            made = self.memo[key] = (self._legend_set(used, inner, 0.0)[2], sizes)
        self.sizes |= made[1]  # as setting it would (``block``)
        return made[0]

    def _legend(self, used: list[str], inner: float, y: float) -> float:
        """凡例 under the lanes, from ``y``; the y under it."""
        boxes, self.samples, y = self._legend_set(used, inner, y)
        self.extras += boxes
        return y

    def _legend_set(self, used: list[str], inner: float, y: float) -> tuple[list[TextBox], list[Sample], float]:
        """凡例 set from ``y``: its head, then per line style a sample line and its label, left to
        right, on as many lines as the width needs; its boxes, its samples and the y under it."""
        boxes: list[TextBox] = []
        samples: list[Sample] = []
        entries = self._legend_entries(used)
        if not entries:
            return boxes, samples, y
        head = self.block([LEGEND_HEAD], inner)
        boxes.append(TextBox(Rect(MARGIN, y, head.width + 2 * PAD, head.height + 2 * PAD), (head,), "legend"))
        x, line_h = MARGIN + head.width + 2 * PAD + 4, head.height + 2 * PAD
        for cls, para in entries:
            text = self.block([para], inner - SAMPLE - 8)
            w = SAMPLE + 4 + text.width + 2 * PAD
            if x + w > MARGIN + inner + 2 * PAD and x > MARGIN + head.width + 2 * PAD + 4:
                x, y = MARGIN + head.width + 2 * PAD + 4, y + line_h
            cy = round(y + line_h / 2, 1)
            samples.append(Sample(cls, ((round(x, 1), cy), (round(x + SAMPLE, 1), cy))))
            boxes.append(TextBox(Rect(x + SAMPLE + 4, y, text.width + 2 * PAD, text.height + 2 * PAD), (text,),
                                 "legend"))
            line_h = max(line_h, text.height + 2 * PAD)
            x += w + 10
        return boxes, samples, y + line_h + 2

    def _put(self, key: str, rect: Rect, title: Block, idle: bool = False) -> None:
        self.placed[key] = rect
        self.holder_boxes.append(self._holder(key, rect, title, idle))

    def _edge(self, key: str) -> tuple[float, float]:
        return SHAPE_EDGE.get(self.holders[key].shape, (0.0, 0.0))

    def _edge_y(self, key: str) -> float:
        """Height the shape takes above and below its title."""
        shape = self.holders[key].shape
        return SHAPE_EDGE.get(shape, (0.0, 0.0))[1] + SHAPE_BOTTOM.get(shape, 0.0)

    def _add_rooms(self, lanes_cols: list[list[str]], width: dict[str, float]) -> None:
        """An empty column beside the boxes of each lane that has a measure list on this page.

        It goes on the side fewer of the lane's arrows leave from, so the list can stand
        in the rows where nothing crosses it (as the hand-made figures place them).
        """
        index = {k: li for li, cols in enumerate(lanes_cols) for k in cols}
        for li, lane in enumerate(self.c.lanes):
            cols = lanes_cols[li]
            if not cols or not any(h.callout and h.key in self.spec.callouts for h in lane.holders):
                continue
            left = right = 0
            for r in self.spec.rows:
                a, b = index.get(self._endpoint_key(r.tail)), index.get(self._endpoint_key(r.head))
                for mine, other in ((a, b), (b, a)):
                    if mine == li and other is not None and other != li:
                        left += other < li
                        right += other > li
            room = f"room:{lane.id}"
            width[room] = self.p.callout_widths[-2] + 2 * PAD
            if left < right:
                cols.insert(0, room)
            else:
                cols.append(room)

    @staticmethod
    def _lane_bounds(xs, flat, width, lane_of_col, gaps, extra) -> list[tuple[float, float]]:
        """Each lane from the middle of the gap on its left to the middle of the gap on its right."""
        n = lane_of_col[-1] + 1
        bounds = []
        left = MARGIN
        for k in range(n):
            last = max(i for i, li in enumerate(lane_of_col) if li == k)
            right = xs[last] + width[flat[last]] + extra[k] + (gaps[last] / 2 if k < n - 1 else LANE_PAD)
            bounds.append((left, right))
            left = right
        return bounds

    def _holder(self, key: str, rect: Rect, title: Block, idle: bool = False) -> Holder:
        h: HolderContent = self.holders[key]
        return Holder(key, h.endpoint, h.lane, h.kind, h.shape, rect.rounded(), title, h.flagged, idle,
                      title_top=self._edge(key)[1] + TITLE_MARGIN)

def _words(text: str) -> list[str]:
    out, cur = [], ""
    for ch in text:
        if ch.isascii() and ch.isalnum():
            cur += ch
        else:
            if cur:
                out.append(cur)
            cur = ""
            out.append(ch)
    if cur:
        out.append(cur)
    return out or [" "]
