"""Free space of a laid-out page: idle boxes, measure lists and the findings box go there.

A mixin of ``layout.grid.Grid``: it reads what the grid placed (columns, lane bounds, boxes,
arrows, links) and packs the rest into the space left, never over any of it.  A measure list
stands in its own lane, or, where that keeps the figure shorter, in the lane beside it with a
leader line to its box.
"""

from __future__ import annotations

from dataclasses import replace

from piflow.layout.content import HolderContent
from piflow.layout.geometry import PAD, Leader, Rect, TextBox
from piflow.layout.pack import Packer
from piflow.layout.text import Block, Para, printed_sizes


class FreeSpace:
    """Placement into free space, for ``Grid`` (uses its bounds, placed boxes and parameters)."""

    def _pack(self) -> None:
        """Idle boxes (when not banded) and measure lists into free space of their own lane."""
        obstacles = [h.rect.grown(3) for h in self.holder_boxes]
        obstacles += [a.label.rect.grown(1) for a in self.arrows]
        obstacles += [Rect(min(a.points[0][0], a.points[1][0]), a.points[0][1] - 5,
                           abs(a.points[1][0] - a.points[0][0]), 10) for a in self.arrows]
        for link in self.link_lines:
            for (ax, ay), (bx, by) in zip(link.points, link.points[1:]):
                obstacles.append(Rect(min(ax, bx) - 3, min(ay, by) - 3, abs(bx - ax) + 6, abs(by - ay) + 6))
        packer = Packer(obstacles)
        start_y = self.top + self.header_h + 4
        if not self.banded:
            for li, lane in enumerate(self.c.lanes):
                for k, blk in self.idle_titles.items():
                    if self.holders[k].lane == lane.id:
                        rect = self._place_idle(k, blk, self.bounds[li], packer, start_y).grown(3)
                        packer.add(rect)
                        obstacles.append(rect)
        # 1. Each list in its own lane.
        placed: list[tuple[HolderContent, int, TextBox, Leader | None]] = []
        for li, lane in enumerate(self.c.lanes):
            for h in lane.holders:
                if h.key not in self.spec.callouts or not h.callout:
                    continue
                floor = max([self.rows_bottom + self.p.callout_slack] + [b.rect.y1 for _, _, b, _ in placed])
                box, leader = self._place_callout(h, li, packer, start_y, floor, (li,))
                placed.append((h, li, box, None))
                packer.add(box.rect.grown(3))
        # 2. The list that makes the figure tallest moves to free space in a lane beside its own
        #    (with a leader line) while that makes the figure shorter.
        floor = self.rows_bottom + self.p.callout_slack
        for _ in range(len(placed)):
            worst = max(range(len(placed)), key=lambda i: (placed[i][2].rect.y1, -i)) if placed else None
            if worst is None or placed[worst][2].rect.y1 <= floor:
                break
            h, li, box, _ = placed[worst]
            others = Packer(obstacles + [b.rect.grown(3) for i, (_, _, b, _) in enumerate(placed) if i != worst]
                            + [_leader_rect(ld) for i, (_, _, _, ld) in enumerate(placed) if i != worst and ld])
            moved, leader = self._place_callout(h, li, others, start_y, floor, (li - 1, li + 1))
            if leader is None or moved.rect.y1 >= box.rect.y1 - 1:
                break
            placed[worst] = (h, li, moved, leader)
        self.callouts = [b for _, _, b, _ in placed]
        self.leaders = [ld for _, _, _, ld in placed if ld is not None]
        # What is still free, for the findings box.
        self.free = Packer(obstacles + [b.rect.grown(3) for b in self.callouts]
                           + [_leader_rect(ld) for ld in self.leaders])
        self.free_top = start_y

    def _place_idle(self, k: str, blk: Block, bounds: tuple[float, float], packer: Packer, start_y: float) -> Rect:
        """The highest free place in the lane; nearer the lane's middle when equal."""
        w, h = blk.width + 2 * PAD + self._edge(k)[0], blk.height + 2 * PAD + self._edge_y(k)
        x0, x1 = bounds[0] + 3, bounds[1] - 3
        cx = (x0 + x1) / 2
        lane = self.holders[k].lane
        xs_try = {min(max(cx - w / 2, x0), x1 - w), x0, x1 - w}
        xs_try |= {r.x1 + 4 for k2, r in self.placed.items() if self.holders[k2].lane == lane}
        y_try = sorted((round(packer.lowest(x, w, h, start_y)), abs(x + w / 2 - cx), x)
                       for x in xs_try if x0 - 0.01 <= x and x + w <= x1 + 0.01)
        x = y_try[0][2] if y_try else x0
        rect = Rect(x, packer.lowest(x, w, h, start_y), w, h)
        self._put(k, rect, blk, idle=True)
        return rect

    def _place_callout(self, h: HolderContent, li: int, packer: Packer, start_y: float, floor: float,
                       lanes: tuple[int, ...]) -> tuple[TextBox, Leader | None]:
        """The shape and place that keep the figure shortest, then wrap the fewest lines.

        Anything above ``floor`` (the bottom the figure has anyway) costs nothing.  The list
        stands in its own lane, or, where that keeps the figure shorter, in free space of the
        lane beside it with a leader line to its box (only where the line crosses nothing).
        """
        head, bullets = h.callout[0], h.callout[1:]
        owner = self.placed.get(h.key)
        best = None
        shapes = None  # the same in every lane: asked for when a lane first needs them
        for lj in lanes:
            if not 0 <= lj < len(self.bounds) or (lj != li and owner is None):
                continue
            lane_x0, lane_x1 = self.bounds[lj][0] + 3, self.bounds[lj][1] - 3
            lane_boxes = [r for k, r in self.placed.items() if self.holders[k].lane == self.c.lanes[lj].id]
            if shapes is None:
                shapes = self.callout_shapes(head, bullets)
            for w, h_, hb, cols, wrapped in shapes:
                if w > lane_x1 - lane_x0:
                    continue
                # No place can put it above start_y: when even that loses to the best so far, so
                # does every x (the score's first five parts only grow with y), so skip the search.
                if best is not None and (round(max(start_y + h_, floor)), lj != li, wrapped, round(start_y),
                                         round(w * h_)) > best[0][:5]:
                    continue
                xs = {lane_x0, lane_x1 - w}
                for r in lane_boxes:
                    xs |= {r.x1 + 4, r.x - 4 - w}
                for x in sorted(xs):
                    if x < lane_x0 - 0.01 or x + w > lane_x1 + 0.01:
                        continue
                    y = packer.lowest(x, w, h_, start_y)
                    leader = None
                    if lj != li:
                        leader = self._leader(h.key, owner, Rect(x, y, w, h_), packer)  # type: ignore[arg-type]
                        if leader is None:
                            continue
                    score = (round(max(y + h_, floor)), lj != li, wrapped, round(y), round(w * h_), round(x, 1))
                    if best is None or score < best[0]:
                        best = (score, Rect(x, y, w, h_), hb, cols, leader)
        if best is None:  # the lane is narrower than any shape tried: wrap to the lane
            lane_x0, lane_x1 = self.bounds[li][0] + 3, self.bounds[li][1] - 3
            w_text = max(lane_x1 - lane_x0 - 2 * PAD, 4 * self.fonts.small)
            w, h_, hb, cols = self._callout_shape(head, bullets, w_text, 1)
            self.sizes |= printed_sizes(h.callout)
            y = packer.lowest(lane_x0, w, h_, start_y)
            best = (None, Rect(lane_x0, y, w, h_), hb, cols, None)
        _, rect, hb, cols, leader = best
        return TextBox(rect.rounded(), cols, "callout", head=hb, owner=h.key, ground=True), leader

    @staticmethod
    def _leader(key: str, owner: Rect, rect: Rect, packer: Packer) -> Leader | None:
        """A horizontal line from the list's side to its box, at the highest height both share
        that nothing else stands on (the box's own title row left alone)."""
        if rect.x1 <= owner.x:
            xa, xb = rect.x1, owner.x
        elif rect.x >= owner.x1:
            xa, xb = rect.x, owner.x1
        else:
            return None
        lo, hi = max(rect.y + 6, owner.y + 24), min(rect.y1 - 6, owner.y1 - 6)
        x0, x1 = min(xa, xb), max(xa, xb)
        # The box itself is an obstacle grown by 3 pt: probe up to 4 pt short of it.
        px0, px1 = (x0, x1 - 4) if xb > xa else (x0 + 4, x1)
        y = lo
        while y <= hi:
            if px1 > px0 and packer.lowest(px0, px1 - px0, 6, y - 3) == y - 3:
                return Leader(key, ((round(xa, 1), round(y, 1)), (round(xb, 1), round(y, 1))))
            y += 2
        return None

    def _in_free_space(self, paras: list[Para], kind: str, bottom: float) -> TextBox | None:
        """The box in the figure's free space (above ``bottom``, clear of everything placed), on
        an opaque ground; None when no shape tried fits."""
        best = None
        for col_w in (220.0, 280.0, 360.0):
            for k in (1, 2, 3):
                box = self._columns_box(paras, k * (col_w + 8), kind, 0, 0)
                w, h = box.rect.w, box.rect.h
                for x0, x1 in self.bounds:
                    for x in (x0 + 3, x1 - 3 - w):
                        if x < self.bounds[0][0] + 3 or x + w > self.bounds[-1][1] - 3:
                            continue
                        y = self.free.lowest(x, w, h, self.free_top)
                        if y + h > bottom - 4:
                            continue
                        score = (round(y + h), round(w * h), round(x, 1))
                        if best is None or score < best[0]:
                            best = (score, replace(box, rect=Rect(x, y, w, h).rounded(), ground=True))
        return best[1] if best else None

    def callout_shapes(self, head: Para, bullets: list[Para]) -> tuple:
        """Every shape ``_place_callout`` tries for a list, in the order it tries them, each as
        (w, h, head block, column blocks, lines added by wrapping); one memo entry per list."""
        key = ("shapes", id(head), tuple(map(id, bullets)), self.p.callout_widths)
        made = self.memo.get(key)
        if made is None:
            extra = 1 + len(bullets)
            shapes = tuple((*shape, sum(len(c.lines) for c in shape[3]) + len(shape[2].lines) - extra)
                           for cw in self.p.callout_widths for k in (1, 2) if k == 1 or len(bullets) >= 6
                           for shape in (self._callout_shape(head, bullets, cw, k),))
            made = self.memo[key] = (head, tuple(bullets), shapes, printed_sizes((head, *bullets)))
        self.sizes |= made[3]
        return made[2]

    def _callout_shape(self, head: Para, bullets: list[Para], cw: float, k: int):
        """A measure list wrapped to ``cw`` in ``k`` columns; made once per fit (``Grid.memo``): the
        candidates of a layout search ask for the same shapes again and again.  The caller adds the
        list's text sizes (``callout_shapes``, or the lane-wide fallback)."""
        key = (id(head), tuple(map(id, bullets)), cw, k)
        made = self.memo.get(key)
        if made is None:
            # The paragraphs are kept with the shape, so their ids stay theirs while the memo lives.
            made = self.memo[key] = (head, tuple(bullets), self._callout_shape_made(head, bullets, cw, k))
        return made[2]

    def _callout_shape_made(self, head: Para, bullets: list[Para], cw: float, k: int):
        hb = self.block([head], cw * k + 6 * (k - 1))
        per = -(-len(bullets) // k)
        cols = tuple(self.block(bullets[i * per:(i + 1) * per], cw) for i in range(k) if bullets[i * per:(i + 1) * per])
        if not cols:
            cols = (Block.from_lines(self.fonts, []),)
        w = max(hb.width, sum(c.width for c in cols) + 8 * (len(cols) - 1)) + 2 * PAD
        h = hb.height + max(c.height for c in cols) + 2 * PAD
        return w, h, hb, cols

    def _columns_box(self, paras: list[Para], inner: float, kind: str, x: float, y: float) -> TextBox:
        head, body = paras[0], paras[1:]
        col_w = min(inner, max(240.0, inner / 3 - 8))
        k = max(1, min(3, int((inner + 8) // (col_w + 8))))
        if len(body) < 4:
            k = 1
        per = -(-len(body) // k) if body else 0
        cols = tuple(self.block(body[i * per:(i + 1) * per], col_w) for i in range(k) if body[i * per:(i + 1) * per])
        hb = self.block([head], inner)
        if not cols:
            cols = (Block.from_lines(self.fonts, []),)
        w = max(hb.width, sum(c.width for c in cols) + 8 * (len(cols) - 1)) + 2 * PAD
        h = hb.height + max(c.height for c in cols) + 2 * PAD
        return TextBox(Rect(x, y, w, h).rounded(), cols, kind, head=hb)


def _leader_rect(leader: Leader) -> Rect:
    (xa, y), (xb, _) = leader.points[0], leader.points[-1]
    return Rect(min(xa, xb), y - 3, abs(xb - xa), 6)
