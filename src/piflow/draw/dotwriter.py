"""A laid-out page as Graphviz DOT with every position pinned (for ``neato -n2``).

Graphviz does no layout here (the ``graphviz`` package writes the DOT): nodes carry ``pos`` and a fixed size, edges carry
their ``pos`` spline, so it only draws.  The DOT is at the figure's natural size
in points; ``draw.render`` gives each output its printed size.  (Scaling the DOT
itself would not do: Graphviz rounds HTML font sizes down to whole points.)
All user text goes into HTML-like labels through ``esc``; the extra attributes
(``step``, ``steplabel``, ``lanebg``, ``lane``, ``selfstep``) are for
figure-metrics and harmless to Graphviz.
"""

from __future__ import annotations

import html
from functools import lru_cache

import graphviz
from graphviz import quoting

from piflow.layout.geometry import Page, Rect, TextBox
from piflow.layout.text import Block, Fonts, Line

_BRACKETS = str.maketrans({"[": "&#91;", "]": "&#93;"})

# The package's DOT quoting, remembered for short texts: the attribute names, colours, sizes and
# styles repeat on every page (quoting them again for each box was half the time of writing a long
# figure); labels hardly ever do, so they are not kept.  (typed: graphviz.nohtml text equals the
# plain string but is quoted differently.)
_remembered = lru_cache(maxsize=4096, typed=True)(quoting.quote)


def _quote(text: str) -> str:
    return _remembered(text) if len(text) <= 32 else quoting.quote(text)


def node_line(name: str, label: str, attrs: dict[str, str]) -> str:
    """The line ``graphviz.Digraph.node(name, label, **attrs)`` adds to the graph's body: the label
    first, then the attributes sorted by name (tests/test_draw.py holds the two to the same text)."""
    return f"\t{_quote(name)}{_attr_list([f'label={_quote(label)}'], attrs)}\n"


def edge_line(tail: str, head: str, attrs: dict[str, str]) -> str:
    """The line ``graphviz.Digraph.edge(tail, head, **attrs)`` adds (the names here have no port)."""
    return f"\t{_quote(tail)} -> {_quote(head)}{_attr_list([], attrs)}\n"


def _attr_list(first: list[str], attrs: dict[str, str]) -> str:
    text = " ".join(first + [f"{_quote(k)}={_quote(v)}" for k, v in sorted(attrs.items()) if v is not None])
    return f" [{text}]" if text else ""


def esc(text: str) -> str:
    """Text for an HTML-like label: escaped, newlines as line breaks.

    Graphviz expands \\N, \\G, \\L … even inside HTML labels (entities too), so a
    backslash is doubled to stay a literal backslash.  Its HTML lexer also fails on
    text that starts with ``]`` right after a tag (``<FONT>]</FONT>``, found by the
    property tests), so brackets go in as character references.
    """
    lines = str(text).splitlines() or [""]
    return "<BR/>".join(html.escape(line, quote=True).replace("\\", "\\\\").translate(_BRACKETS) for line in lines)


def _n(x: float) -> str:
    """A coordinate: rounded to 0.01 pt, without trailing zeros (stable text)."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class DotWriter:
    def __init__(self, page: Page, style: dict, fonts: Fonts):
        self.page, self.style, self.fonts = page, style, fonts
        self.height = page.height

    # --- coordinates ------------------------------------------------------------------------

    def pt(self, x: float, y: float) -> str:
        return f"{_n(x)},{_n(self.height - y)}"

    def box_attrs(self, rect: Rect) -> dict[str, str]:
        return {"pos": self.pt(rect.cx, rect.cy), "width": _n(rect.w / 72), "height": _n(rect.h / 72)}

    # --- labels --------------------------------------------------------------------------------

    def line_html(self, line: Line) -> str:
        out = []
        for span in line:
            if not span.text:
                continue  # Graphviz rejects an empty <FONT></FONT>
            text = esc(span.text)
            if span.strike:
                text = f"<S>{text}</S>"
            if span.underline:
                text = f"<U>{text}</U>"
            if span.bold:
                text = f"<B>{text}</B>"
            color = f' COLOR="{span.color}"' if span.color else ""
            size = self.fonts.size(span.size)
            out.append(f'<FONT POINT-SIZE="{_n(size)}"{color}>{text}</FONT>')
        return "".join(out)

    def line_rows(self, block: Block, align: str, colspan: int = 1) -> list[str]:
        """One table row per line, each as high as the layout reserved for it.

        Graphviz sets multi-line cells one em apart, too tight for Japanese; rows
        of fixed height keep the layout's line pitch.  Heights are differences of
        rounded positions, so rounding never adds up down a long list.
        """
        rows, y = [], 0.0
        span = f' COLSPAN="{colspan}"' if colspan > 1 else ""
        for line in block.lines:
            step = self.fonts.line_height(line)
            height = round(y + step) - round(y)
            y += step
            rows.append(f'<TR><TD ALIGN="{align.upper()}" HEIGHT="{max(1, height)}"{span}>{self.line_html(line)}</TD></TR>')
        return rows

    def _rows_height(self, block: Block) -> int:
        """The height ``line_rows`` gives the block's lines (whole points, as Graphviz sets them)."""
        y = 0.0
        for line in block.lines:
            y += self.fonts.line_height(line)
        return max(round(y), len(block.lines))

    def label(self, box: TextBox, top: float = 0.0) -> str:
        """The box's text as one HTML-like table; ``top`` pt of empty space above it."""
        table = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
        k = len(box.columns)
        rows = [f'<TR><TD HEIGHT="{round(top)}" COLSPAN="{2 * k - 1}"></TD></TR>'] if round(top) > 0 else []
        if box.head is not None and not box.head.empty:
            rows += self.line_rows(box.head, "left", colspan=2 * k - 1)
        if k == 1:
            rows += self.line_rows(box.columns[0], box.align)
        else:
            gap = '<TD WIDTH="8"></TD>'
            # Graphviz stretches a shorter column's rows to the cell's height: an empty row fills it.
            tall = max(self._rows_height(col) for col in box.columns)
            cells = gap.join(
                f'<TD VALIGN="TOP">{table}{"".join(self.line_rows(col, box.align))}'
                + (f'<TR><TD HEIGHT="{tall - self._rows_height(col)}"></TD></TR>' if tall > self._rows_height(col) else "")
                + '</TABLE></TD>' for col in box.columns)
            rows.append(f"<TR>{cells}</TR>")
        return f"<{table}{''.join(rows)}</TABLE>>"

    # --- the graph ----------------------------------------------------------------------------

    def node(self, name: str, rect: Rect, label: str = "", **attrs: object) -> None:
        self.g.body.append(node_line(name, label, {**self.box_attrs(rect), **{k: str(v) for k, v in attrs.items()}}))

    def text(self, name: str, box: TextBox, **attrs: object) -> None:
        if all(col.empty for col in box.columns) and (box.head is None or box.head.empty):
            return
        attrs.setdefault("shape", "plaintext")
        if box.ground:  # an opaque ground: a lane line under the text does not strike it
            attrs.setdefault("style", "filled")
            attrs.setdefault("fillcolor", self.style["background"])
            attrs.setdefault("color", self.style["background"])
        self.node(name, box.rect, self.label(box), **attrs)

    def edge(self, tail: str, head: str, points: list[tuple[float, float]], arrow: bool, **attrs: object) -> None:
        """A pinned polyline, each straight piece as a cubic Bézier with its control points on it."""
        spline = [points[0]]
        if arrow:
            # The spline stops where the arrowhead starts; ``e,`` is the tip.
            (x0, y0), (x1, y1) = points[-2], points[-1]
            length = 8.0  # the arrowhead (arrowsize 0.8)
            d = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 or 1.0
            tip = points[-1]
            points = [*points[:-1], (x1 - (x1 - x0) * length / d, y1 - (y1 - y0) * length / d)]
        for (ax, ay), (bx, by) in zip(points, points[1:]):
            spline += [(ax + (bx - ax) / 3, ay + (by - ay) / 3), (ax + 2 * (bx - ax) / 3, ay + 2 * (by - ay) / 3), (bx, by)]
        pos = " ".join(self.pt(x, y) for x, y in spline)
        if arrow:
            pos = f"e,{self.pt(*tip)} {pos}"
        self.g.body.append(edge_line(tail, head, {"pos": pos, **{k: str(v) for k, v in attrs.items()}}))

    def write(self, name: str) -> str:
        page, st = self.page, self.style
        font = st["font"]
        self.g = graphviz.Digraph(
            name=name,
            graph_attr={"bb": f"0,0,{_n(page.width)},{_n(self.height)}", "pad": "0", "margin": "0",
                        "notranslate": "true", "outputorder": "nodesfirst", "bgcolor": st["background"],
                        "fontname": font},
            node_attr={"shape": "box", "fixedsize": "true", "margin": "0", "fontname": font,
                       "fontsize": _n(self.fonts.body), "fontcolor": st["text"], "penwidth": "1"},
            edge_attr={"fontname": font, "arrowsize": "0.8"},
        )
        # The whole sheet, so the drawing keeps the computed size.
        self.node("canvas", Rect(0, 0, page.width, page.height), style="invis")
        for i, lane in enumerate(page.lanes):
            colors = st["lanes"].get(lane.style, st["node"])
            self.node(f"lane_{i}", lane.rect, style="filled", fillcolor=colors["fill"], color=colors["border"],
                      lanebg=lane.id)
            self.text(f"hdr_{i}", lane.header)
        holder_ids = {}
        for i, h in enumerate(page.holders):
            holder_ids[h.key] = f"h_{i}"
            attrs: dict[str, object] = {"shape": h.shape, "style": "rounded,filled" if h.shape == "box" else "filled",
                                        "fillcolor": st["node"]["fill"], "color": st["node"]["border"],
                                        "labelloc": "t", "lane": h.lane}
            if h.flagged:
                attrs.update(color=st["finding"]["color"], penwidth=2.5)
            first, *rest = h.segments  # a bar broken where an arrow it does not join passes
            title = TextBox(first, (h.title,), "holder", align="center")
            self.node(f"h_{i}", first, self.label(title, top=h.title_top), **attrs)
            for k, seg in enumerate(rest, start=1):
                self.node(f"hs_{i}_{k}", seg, **{**attrs, "labelloc": "c"})
        for i, note in enumerate(page.notes):
            attrs = {"shape": "box", "style": "rounded,dashed,filled", "fillcolor": st["node"]["fill"],
                     "color": st["finding"]["color"] if note.flagged else st["channels"]["internal"]["color"],
                     "selfstep": _n(note.order or 0)}
            self.text(f"note_{i}", note, **attrs)
        for i, arrow in enumerate(page.arrows):
            self.text(f"lbl_{i}", arrow.label, steplabel=_n(arrow.order))
        callout_ids = {}
        for i, box in enumerate(page.callouts):
            callout_ids[box.owner] = f"co_{i}"
            self.text(f"co_{i}", box, shape="note", style="filled", fillcolor=st["callout"]["fill"],
                      color=st["callout"]["border"])
        self.text("title", page.title)
        self.text("tag", page.tagbox)
        for i, box in enumerate(page.extras):
            boxed = box.kind in ("footnotes", "findings", "changes")
            attrs = {"shape": "box", "color": st["node"]["border"]} if boxed else {}
            if box.kind == "findings" and box.ground:  # in the figure's free space
                attrs.update(style="filled", fillcolor=st["finding"]["fill"], color=st["finding"]["color"])
            self.text(f"x_{i}", box, **attrs)
        for arrow in page.arrows:
            look = st["channels"].get(arrow.cls) or st["channels"]["internal"]
            attrs = {"style": look["style"], "color": look["color"], "penwidth": _n(float(look["penwidth"])),
                     "step": _n(arrow.order)}
            if arrow.removed:
                attrs.update(style="dashed", color=st["diff"]["removed"], penwidth=1)
            if arrow.flagged:
                attrs["color"] = st["finding"]["color"]
            self.edge(holder_ids[arrow.tail], holder_ids[arrow.head], list(arrow.points), True, **attrs)
        for leader in page.leaders:
            self.edge(callout_ids[leader.owner], holder_ids[leader.owner], list(leader.points), False, dir="none",
                      color=st["callout"]["border"], penwidth=1)
        for i, sample in enumerate(page.samples):
            look = st["channels"][sample.cls]
            (xa, ya), (xb, yb) = sample.points[0], sample.points[-1]
            for end, (x, y) in (("a", (xa, ya)), ("b", (xb, yb))):
                self.node(f"ls_{i}{end}", Rect(x - 0.5, y - 0.5, 1, 1), shape="point", style="invis")
            self.edge(f"ls_{i}a", f"ls_{i}b", list(sample.points), False, dir="none", style=look["style"],
                      color=look["color"], penwidth=_n(float(look["penwidth"])), legend=sample.cls)
        look = st["channels"]["operates"]
        for link in page.links:
            self.edge(holder_ids[link.tail], holder_ids[link.head], list(link.points), False, dir="none",
                      style=look["style"], color=look["color"], penwidth=_n(float(look["penwidth"])))
        return self.g.source


def page_dot(page: Page, style: dict, fonts: Fonts, name: str) -> str:
    return DotWriter(page, style, fonts).write(name)
