"""The layout's promises, checked on the computed geometry (no Graphviz needed).

The tests run these on every seed figure and on generated flows, and show each check a
page that breaks it (tests/test_layout_checks.py).  One function per promise; ``problems``
runs them all.
"""

from __future__ import annotations

import re
from itertools import combinations

from piflow.layout.geometry import SHAPE_BOTTOM, SHAPE_EDGE, Page, Rect, TextBox
from piflow.layout.text import NO_LINE_END, NO_LINE_START, Block, char_em

LABEL_DISTANCE = 8.0  # a label ends at most this far above its own arrow (pt)
LIST_CHARS = 12  # a measure list never wraps narrower than this many full-width characters
TITLE_CLEARANCE = 1.0  # a box's title starts at least this far below its outline (pt)


def _segments_cross(p, q, r, s) -> bool:
    d = (q[0] - p[0]) * (s[1] - r[1]) - (q[1] - p[1]) * (s[0] - r[0])
    if abs(d) < 1e-9:
        return False
    t = ((r[0] - p[0]) * (s[1] - r[1]) - (r[1] - p[1]) * (s[0] - r[0])) / d
    u = ((r[0] - p[0]) * (q[1] - p[1]) - (r[1] - p[1]) * (q[0] - p[0])) / d
    return 0 < t < 1 and 0 < u < 1


def _segment_hits(p, q, rect: Rect) -> bool:
    for k in range(17):
        x, y = p[0] + (q[0] - p[0]) * k / 16, p[1] + (q[1] - p[1]) * k / 16
        if rect.x < x < rect.x1 and rect.y < y < rect.y1:
            return True
    return False


def _named_texts(page: Page) -> list[tuple[str, TextBox]]:
    return ([(f"label {a.step}", a.label) for a in page.arrows] + [(f"note {n.step}", n) for n in page.notes]
            + [(f"callout {c.owner}", c) for c in page.callouts] + [(x.kind, x) for x in page.extras]
            + [("title", page.title), ("tag", page.tagbox)] + [(f"header {ln.id}", ln.header) for ln in page.lanes])


def struck_texts(page: Page) -> list[str]:
    """No lane line runs through text: text across a lane boundary stands on an opaque ground."""
    out = []
    lines = sorted({(round(ln.rect.x, 1), ln.rect.y, ln.rect.y1) for ln in page.lanes[1:]})
    for name, box in _named_texts(page):
        r = box.rect
        for x, y0, y1 in lines:
            if r.x + 0.5 < x < r.x1 - 0.5 and r.y < y1 and y0 < r.y1 and not box.ground:
                out.append(f"{name} is struck by the lane line at x={x}")
    return out


def titles_on_outline(page: Page) -> list[str]:
    """Each box's title inside its box, clear of the outline (and of a cylinder's lid)."""
    out = []
    for h in page.holders:
        t, r = h.title_rect, h.rect
        edge_top = SHAPE_EDGE.get(h.shape, (0.0, 0.0))[1]
        if t.y < r.y + edge_top + TITLE_CLEARANCE:
            out.append(f"the title of {h.key} prints on its outline ({t.y - r.y - edge_top:.1f} pt below)")
        if t.x < r.x - 0.5 or t.x1 > r.x1 + 0.5 or t.y1 > h.segments[0].y1 - SHAPE_BOTTOM.get(h.shape, 0.0) + 0.5:
            out.append(f"the title of {h.key} leaves its box")
    return out


def _blocks(page: Page) -> list[tuple[str, Block]]:
    out = [(name, b) for name, box in _named_texts(page) for b in ((box.head,) if box.head else ()) + box.columns]
    return out + [(f"box {h.key}", h.title) for h in page.holders]


def kinsoku_breaks(page: Page) -> list[str]:
    """禁則: no line starts with a character that may not start one (ー、ュ。）) or ends with
    one that may not end one (（「)."""
    out = []
    for name, block in _blocks(page):
        texts = ["".join(s.text for s in line).strip("\u3000 ") for line in block.lines]
        continued = block.continued or (False,) * len(texts)
        for k in range(1, len(texts)):
            if not continued[k] or not texts[k] or not texts[k - 1]:
                continue
            if texts[k][0] in NO_LINE_START:
                out.append(f"{name}: line {k + 1} starts with {texts[k][0]} ({texts[k - 1]}／{texts[k]})")
            if texts[k - 1][-1] in NO_LINE_END:
                out.append(f"{name}: line {k} ends with {texts[k - 1][-1]} ({texts[k - 1]}／{texts[k]})")
    return out


def paragraphs(block: Block) -> list[str]:
    """The block's paragraphs, its wrapped lines joined again."""
    out: list[str] = []
    for line, cont in zip(block.lines, block.continued or (False,) * len(block.lines)):
        text = "".join(s.text for s in line).strip("\u3000")
        if cont and out:
            out[-1] += text
        else:
            out.append(text)
    return out


_TAGGED = re.compile(r"【([^】]+)】|（([^）]+)）")


def repeated_in_labels(page: Page) -> list[str]:
    """A label names each channel and medium once: no word in two of its bracketed groups
    (「（紙・手渡し）【手渡し】（紙）」; the bullets of its measures aside)."""
    out = []
    for a in page.arrows:
        text = "".join(p for col in a.label.columns for p in paragraphs(col) if not p.startswith(("・", "－")))
        groups = [m.group(1) or m.group(2) for m in _TAGGED.finditer(text)]
        seen: dict[str, int] = {}
        for k, group in enumerate(groups):
            for word in re.split("[・、]", group):
                word = word.removesuffix("等")
                if not word:
                    continue
                if word in seen and seen[word] != k:
                    out.append(f"label {a.step} says {word} twice")
                seen.setdefault(word, k)
    return out


SAMPLE_MIN = 16.0  # a legend's line sample is long enough to show its dashes (pt)


def legend_samples(page: Page) -> list[str]:
    """The legend shows one line sample, in the arrows' own stroke, for each line style drawn on
    the page and for no other; each sample clear of text."""
    out = []
    drawn = {a.cls for a in page.arrows if not a.removed} | ({"internal"} if page.notes else set()) \
        | ({"operates"} if page.links else set())
    shown = [s.cls for s in page.samples]
    for cls in sorted(drawn - set(shown)):
        out.append(f"the legend has no sample of the {cls} line")
    for cls in sorted(set(shown) - drawn):
        out.append(f"the legend shows a {cls} line the page does not draw")
    for cls in sorted({c for c in shown if shown.count(c) > 1}):
        out.append(f"the legend shows the {cls} line twice")
    for s in page.samples:
        (xa, ya), (xb, yb) = s.points[0], s.points[-1]
        if abs(xb - xa) < SAMPLE_MIN:
            out.append(f"the legend's {s.cls} sample is {abs(xb - xa):.0f} pt long")
        for name, box in _named_texts(page):
            if _segment_hits((xa, ya), (xb, yb), box.rect.grown(-0.5)):
                out.append(f"the legend's {s.cls} sample runs through {name}")
    return out


_MARK = re.compile(r"【指摘】((?:[A-Z]+[0-9]+\s*)+)")
_CODE = re.compile(r"[A-Z]+[0-9]+")


def _text(blocks) -> str:
    return "".join(s.text for b in blocks for line in b.lines for s in line)


def unexplained_marks(page: Page) -> list[str]:
    """Each page explains its own marks: every 【指摘】 code on a step or box of the page is in the
    page's own findings box."""
    explained = set()
    for x in page.extras:
        if x.kind == "findings":
            explained |= set(_CODE.findall(_text(((x.head,) if x.head else ()) + x.columns)))
    marked = [(f"label {a.step}", _text(a.label.columns)) for a in page.arrows]
    marked += [(f"note {n.step}", _text(n.columns)) for n in page.notes]
    marked += [(f"box {h.key}", _text((h.title,))) for h in page.holders]
    out = []
    for name, text in marked:
        for m in _MARK.finditer(text):
            for code in _CODE.findall(m.group(1)):
                if code not in explained:
                    out.append(f"{name} is marked {code}, which this page does not explain")
    return out


def arrows_through_bars(page: Page) -> list[str]:
    """No arrow is drawn over a bar it does not join (the bar breaks where it passes)."""
    out = []
    for a in page.arrows:
        p, q = a.points[0], a.points[-1]
        for h in page.holders:
            if h.key in (a.tail, a.head):
                continue
            if any(_segment_hits(p, q, seg.grown(-0.5)) for seg in h.segments if seg.h > 0):
                out.append(f"arrow {a.step} runs through the box of {h.key}")
    return out


def problems(page: Page) -> list[str]:
    """Every broken promise on one page, in words; empty when the page is sound."""
    out: list[str] = (struck_texts(page) + titles_on_outline(page) + kinsoku_breaks(page)
                      + repeated_in_labels(page) + legend_samples(page) + unexplained_marks(page)
                      + arrows_through_bars(page))
    sheet = Rect(0, 0, page.width, page.height)
    arrows = page.arrows
    # Arrows: no two cross.
    for a, b in combinations(arrows, 2):
        if _segments_cross(a.points[0], a.points[-1], b.points[0], b.points[-1]):
            out.append(f"arrows {a.step} and {b.step} cross")
    # Labels: next to their own arrow, inside its span, clear of everything else.
    labels = [(a.label, a) for a in arrows]
    for label, a in labels:
        (x0, y), (x1, _) = a.points[0], a.points[-1]
        gap = y - label.rect.y1
        if not 0 <= gap <= LABEL_DISTANCE:
            out.append(f"label {a.step} is {gap:.1f} pt from its arrow")
        if label.rect.x < min(x0, x1) - 0.5 or label.rect.x1 > max(x0, x1) + 0.5:
            out.append(f"label {a.step} sticks out of its arrow's span")
    texts = [(f"label {a.step}", lb.rect) for lb, a in labels]
    texts += [(f"note {n.step}", n.rect) for n in page.notes]
    texts += [(f"callout {c.owner}", c.rect) for c in page.callouts]
    texts += [(f"{x.kind}", x.rect) for x in page.extras]
    texts += [("title", page.title.rect), ("tag", page.tagbox.rect)]
    for (na, ra), (nb, rb) in combinations(texts, 2):
        if ra.overlaps(rb, slack=0.5):
            out.append(f"{na} overlaps {nb}")
    for name, rect in texts:
        if not name.startswith("note"):
            for h in page.holders:
                if rect.overlaps(h.rect, slack=0.5):
                    out.append(f"{name} overlaps the box of {h.key}")
        for a in arrows:
            if f"label {a.step}" != name and _segment_hits(a.points[0], a.points[-1], rect.grown(-1)):
                out.append(f"arrow {a.step} runs through {name}")
        if not rect.inside(sheet, slack=0.5):
            out.append(f"{name} is off the sheet")
    # Reading order: each step's label below (or level and right of) the previous one.
    steps = sorted([(a.order, a.label.rect) for a in arrows if not a.removed]
                   + [(n.order or 0, n.rect) for n in page.notes], key=lambda t: t[0])
    for (oa, ra), (ob, rb) in zip(steps, steps[1:]):
        if not (rb.y > ra.y + 0.5 or (abs(rb.y - ra.y) <= 0.5 and rb.x >= ra.x)):
            out.append(f"step {ob} reads before step {oa}")
    # Boxes: in their lane; notes in their box; lists in their own lane.
    lane = {ln.id: ln.rect for ln in page.lanes}
    box = {h.key: h for h in page.holders}
    for h in page.holders:
        if not h.rect.inside(lane[h.lane], slack=0.5):
            out.append(f"box {h.key} leaves its lane")
    for a, b in combinations(page.holders, 2):
        if a.rect.overlaps(b.rect, slack=0.5):
            out.append(f"boxes {a.key} and {b.key} overlap")
    for n in page.notes:
        if n.owner not in box or not n.rect.inside(box[n.owner].rect, slack=0.5):
            out.append(f"note {n.step} is not inside its box")
    return out + placed_lists(page) + narrow_lists(page)


def _touches(x: float, y: float, rect: Rect) -> bool:
    return (abs(x - rect.x) <= 0.5 or abs(x - rect.x1) <= 0.5) and rect.y - 0.5 <= y <= rect.y1 + 0.5


def placed_lists(page: Page) -> list[str]:
    """Each measure list in its own lane, or in another lane with a leader line from the list to its
    box that crosses no other text, box or arrow."""
    out = []
    lane = {ln.id: ln.rect for ln in page.lanes}
    box = {h.key: h for h in page.holders}
    leaders = {ld.owner: ld for ld in page.leaders}
    for c in page.callouts:
        holder = box.get(c.owner)
        if holder is None:
            out.append(f"callout {c.owner} has no box on the page")
            continue
        if c.rect.inside(lane[holder.lane], slack=0.5) and c.owner not in leaders:
            continue
        leader = leaders.get(c.owner)
        if leader is None:
            out.append(f"callout {c.owner} is not in its own lane and has no leader line")
            continue
        (xa, ya), (xb, yb) = leader.points[0], leader.points[-1]
        if not (_touches(xa, ya, c.rect) and _touches(xb, yb, holder.rect)):
            out.append(f"the leader of callout {c.owner} does not join the list to its box")
        others = [(n, b.rect) for n, b in _named_texts(page) if b is not c]
        others += [(f"the box of {h.key}", h.rect) for h in page.holders if h.key != c.owner]
        for name, rect in others:
            if _segment_hits((xa, ya), (xb, yb), rect.grown(-0.5)):
                out.append(f"the leader of callout {c.owner} runs through {name}")
        for a in page.arrows:
            (ax0, ay), (ax1, _) = a.points[0], a.points[-1]
            if abs(ay - ya) < 2 and min(ax0, ax1) < max(xa, xb) and min(xa, xb) < max(ax0, ax1):
                out.append(f"the leader of callout {c.owner} runs along arrow {a.step}")
    return out


def narrow_lists(page: Page) -> list[str]:
    """A measure list that wraps a line is never set narrower than LIST_CHARS full-width characters."""
    out = []
    if page.fonts is None:
        return out
    for c in page.callouts:
        for col in c.columns:
            sizes = {s.size for line in col.lines for s in line if s.text.strip()}
            full = max((page.fonts.size(n) for n in sizes), default=page.fonts.small) * char_em("字")
            if any(col.continued) and col.limit < LIST_CHARS * full - 0.05:
                out.append(f"callout {c.owner} wraps at {col.limit:.0f} pt, narrower than {LIST_CHARS} characters")
    return out
