"""The computed figure as plain geometry: what the DOT writer pins and the tests check.

Coordinates are points with y growing downwards (as on the page); the DOT writer
flips them for Graphviz. Every position is rounded to 0.1 pt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from piflow.layout.text import Block, Fonts

# Room the drawn shape takes from inside its box (the 3-D edge of box3d, a cylinder's lid):
# (left/right, top) in pt.  The title of a box starts below it.
SHAPE_EDGE = {"box3d": (8.0, 6.0), "cylinder": (0.0, 10.0), "folder": (4.0, 8.0), "tab": (4.0, 8.0)}
SHAPE_BOTTOM = {"cylinder": 6.0}  # the curve at a cylinder's foot, below its title
PAD = 3.0  # text inside a box, from its border
TITLE_MARGIN = 3.0  # from a box's outline (or its lid) to the top of its title


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def x1(self) -> float:
        return self.x + self.w

    @property
    def y1(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def overlaps(self, other: Rect, slack: float = 0.0) -> bool:
        return (self.x < other.x1 - slack and other.x < self.x1 - slack
                and self.y < other.y1 - slack and other.y < self.y1 - slack)

    def inside(self, other: Rect, slack: float = 0.0) -> bool:
        return (self.x >= other.x - slack and self.y >= other.y - slack
                and self.x1 <= other.x1 + slack and self.y1 <= other.y1 + slack)

    def grown(self, d: float) -> Rect:
        return Rect(self.x - d, self.y - d, self.w + 2 * d, self.h + 2 * d)

    def rounded(self) -> Rect:
        return Rect(round(self.x, 1), round(self.y, 1), round(self.w, 1), round(self.h, 1))


@dataclass(frozen=True)
class TextBox:
    """Text placed in a rectangle: a head line over one or more text columns.

    ``kind`` says what it is (label, callout, note, header, title, tag, legend, extra)
    so the writer can give it its look; ``step`` ties a label or note to its step.
    """

    rect: Rect
    columns: tuple[Block, ...]
    kind: str
    head: Block | None = None
    step: str | None = None  # the step's circled number with suffix: ③, ①'
    order: float | None = None  # its sort number: 3, 1.5
    align: str = "left"
    owner: str | None = None  # holder key of a callout or note
    flagged: bool = False
    ground: bool = False  # drawn on an opaque ground: lane lines under it do not show through


@dataclass(frozen=True)
class Holder:
    """A party or system box: a lifeline spanning the rows of its steps."""

    key: str  # "party:ID" or "system:ID"
    endpoint: str  # the flow's id
    lane: str
    kind: str  # party | system
    shape: str  # Graphviz shape name
    rect: Rect
    title: Block
    flagged: bool = False
    idle: bool = False  # no step of this page touches it
    title_top: float = TITLE_MARGIN  # from the box's top to its title's first line (pt)
    gaps: tuple[tuple[float, float], ...] = ()  # breaks in the bar where an arrow it does not join passes

    @property
    def segments(self) -> list[Rect]:
        """The bar as drawn: the box, broken at its gaps (top to bottom)."""
        out, y = [], self.rect.y
        for g0, g1 in sorted(self.gaps):
            out.append(Rect(self.rect.x, y, self.rect.w, g0 - y))
            y = g1
        out.append(Rect(self.rect.x, y, self.rect.w, self.rect.y1 - y))
        return out

    @property
    def title_rect(self) -> Rect:
        """Where the title prints: centred, ``title_top`` below the box's top."""
        w, h = self.title.width, self.title.height
        return Rect(self.rect.cx - w / 2, self.rect.y + self.title_top, w, h)


@dataclass(frozen=True)
class Arrow:
    """A numbered step: a straight horizontal arrow between two holders, its label above it."""

    step: str
    order: float  # 3 for ③, 3.5 for ③' (for reading-order checks and figure-metrics)
    tail: str  # holder keys
    head: str
    points: tuple[tuple[float, float], ...]
    cls: str  # channel class for the line style (network, hand, mail …)
    label: TextBox
    flagged: bool = False
    removed: bool = False  # piflow diff: a step gone since the approved version


@dataclass(frozen=True)
class Link:
    """An unnumbered line: a party operating (developing, maintaining) a system."""

    tail: str
    head: str
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Leader:
    """A thin line from a measure list standing outside its own lane to its box."""

    owner: str  # holder key
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Sample:
    """A legend's sample of a line style: a short line drawn with the stroke of that class."""

    cls: str
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Lane:
    id: str
    style: str  # lane style key (the role) for the theme's colours
    rect: Rect
    header: TextBox


@dataclass
class Page:
    """One sheet of a figure."""

    tag: str  # 資料49-3, or 資料49-3（2/2） when the rows continue
    number: int
    count: int
    width: float
    height: float
    title: TextBox
    tagbox: TextBox
    lanes: list[Lane] = field(default_factory=list)
    holders: list[Holder] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    notes: list[TextBox] = field(default_factory=list)  # steps inside one holder
    callouts: list[TextBox] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    leaders: list[Leader] = field(default_factory=list)  # measure lists placed in a lane beside their own
    extras: list[TextBox] = field(default_factory=list)  # legend, footnotes, findings, changes
    legend: list[str] = field(default_factory=list)  # channel classes drawn, for the legend
    samples: list[Sample] = field(default_factory=list)  # the legend's line samples
    scale: float = 1.0  # page scale chosen by the fit (figure pt -> printed pt)
    smallest: float = 0.0  # smallest font size in the figure, before scaling
    fonts: Fonts | None = None  # the sizes the text was set in (for the checks)

    @property
    def printed_min(self) -> float:
        """Smallest text as printed on the page."""
        return round(self.smallest * self.scale, 2)

    def boxes(self) -> list[TextBox]:
        return [self.title, self.tagbox, *(ln.header for ln in self.lanes), *(a.label for a in self.arrows),
                *self.notes, *self.callouts, *self.extras]

    @property
    def line_count(self) -> int:
        """Lines of text on the page: fewer means less wrapping, easier reading."""
        boxes = sum(len(c.lines) for b in self.boxes() for c in b.columns)
        return boxes + sum(len(h.title.lines) for h in self.holders)
