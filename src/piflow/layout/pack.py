"""Free space among placed rectangles, for the measure lists and boxes without a step."""

from __future__ import annotations

import bisect

from piflow.layout.geometry import Rect


class Packer:
    """Free-space search among placed rectangles (the measure lists' skyline)."""

    def __init__(self, obstacles: list[Rect]):
        self.items = sorted(obstacles, key=lambda r: (r.y, r.x))
        self.tops = [r.y for r in self.items]

    def add(self, rect: Rect) -> None:
        i = bisect.bisect(self.tops, rect.y)
        self.items.insert(i, rect)
        self.tops.insert(i, rect.y)

    def lowest(self, x: float, w: float, h: float, y: float) -> float:
        """The smallest y >= ``y`` where the rectangle (x, y, w, h) hits nothing."""
        for r in self.items:
            if r.x1 <= x or r.x >= x + w:
                continue
            if r.y >= y + h:
                break
            if r.y1 > y:
                y = r.y1 + 1
        return y
