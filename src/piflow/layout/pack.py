"""Free space among placed rectangles, for the measure lists and boxes without a step."""

from __future__ import annotations

import bisect

from piflow.layout.geometry import Rect


class Packer:
    """Free-space search among placed rectangles (the measure lists' skyline).

    The rectangles are kept as plain (top, left, right, bottom) tuples in (top, left) order,
    equal keys in the order they came: ``lowest`` is the inner loop of every layout search.
    """

    def __init__(self, obstacles: list[Rect]):
        self.items = sorted(((r.y, r.x, r.x1, r.y1) for r in obstacles), key=lambda t: (t[0], t[1]))
        self.tops = [t[0] for t in self.items]

    def add(self, rect: Rect) -> None:
        i = bisect.bisect(self.tops, rect.y)
        self.items.insert(i, (rect.y, rect.x, rect.x1, rect.y1))
        self.tops.insert(i, rect.y)

    def lowest(self, x: float, w: float, h: float, y: float) -> float:
        """The smallest y >= ``y`` where the rectangle (x, y, w, h) hits nothing."""
        right = x + w
        for top, left, x1, y1 in self.items:
            if x1 <= x or left >= right:
                continue
            if top >= y + h:
                break
            if y1 > y:
                y = y1 + 1
        return y
