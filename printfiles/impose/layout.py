"""Where the cards go on a sheet: the most bleed boxes of one size that fit a rectangle.

Every card keeps its full bleed at scale 1; neighbouring bleed boxes keep the gutter between them,
so no bleed ever covers a neighbour's trim and each trim corner has room for a crop mark. A
guillotine cuts straight through the sheet, so the candidates are guillotine layouts: a grid in
either orientation, or two grids of different orientation side by side or one above the other
(what fits a third column of turned cards into the strip a plain grid leaves empty).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from printfiles.impose.geometry import Rect

_EPS = 1e-9


@dataclass(frozen=True)
class Slot:
    """One card position: its bleed box's lower-left corner and whether it is turned by 90°."""

    x: float
    y: float
    turned: bool


@dataclass(frozen=True)
class Layout:
    """The chosen positions in the area's coordinates, and how they were found."""

    slots: tuple[Slot, ...]
    width: float  # of the card's bleed box, not turned
    height: float
    kind: str  # "grid", "grid turned", "mixed"

    @property
    def count(self) -> int:
        return len(self.slots)

    def boxes(self) -> list[Rect]:
        """Each slot's bleed box."""
        return [
            Rect.of(s.x, s.y, *((self.height, self.width) if s.turned else (self.width, self.height)))
            for s in self.slots
        ]


def fits(length: float, item: float, gutter: float) -> int:
    """How many items of `item` mm fit in `length` mm with `gutter` mm between neighbours."""
    if item > length + _EPS:
        return 0
    return int(math.floor((length + gutter) / (item + gutter) + _EPS))


def _grid(w: float, h: float, turned: bool, x0: float, y0: float, cols: int, rows: int,
          gutter: float) -> list[Slot]:
    return [Slot(x0 + c * (w + gutter), y0 + r * (h + gutter), turned)
            for r in range(rows) for c in range(cols)]


def _sizes(width: float, height: float, turned: bool) -> tuple[float, float]:
    return (height, width) if turned else (width, height)


def grid(width: float, height: float, area_w: float, area_h: float, gutter: float,
         turned: bool) -> list[Slot]:
    """A plain grid of cards all in one orientation, from the area's lower-left corner."""
    w, h = _sizes(width, height, turned)
    return _grid(w, h, turned, 0.0, 0.0, fits(area_w, w, gutter), fits(area_h, h, gutter), gutter)


def _mixed(width: float, height: float, area_w: float, area_h: float, gutter: float) -> list[list[Slot]]:
    """Two grids of different orientation: rows of one below a band of the other, and columns of one
    left of a band of the other, for every number of rows or columns the first may take."""
    out = []
    for turned in (False, True):
        w, h = _sizes(width, height, turned)
        bw, bh = _sizes(width, height, not turned)
        cols, rows = fits(area_w, w, gutter), fits(area_h, h, gutter)
        for k in range(1, rows):  # k rows at the bottom, the other orientation above
            top = k * (h + gutter)
            band = _grid(bw, bh, not turned, 0.0, top, fits(area_w, bw, gutter),
                         fits(area_h - top, bh, gutter), gutter)
            out.append(_grid(w, h, turned, 0.0, 0.0, cols, k, gutter) + band)
        for k in range(1, cols):  # k columns at the left, the other orientation to the right
            left = k * (w + gutter)
            band = _grid(bw, bh, not turned, left, 0.0, fits(area_w - left, bw, gutter),
                         fits(area_h, bh, gutter), gutter)
            out.append(_grid(w, h, turned, 0.0, 0.0, k, rows, gutter) + band)
    return out


def _extent(slots: list[Slot], width: float, height: float) -> tuple[float, float]:
    boxes = Layout(tuple(slots), width, height, "").boxes()
    return max(b.x1 for b in boxes), max(b.y1 for b in boxes)


def best_layout(width: float, height: float, area: Rect, gutter: float) -> Layout:
    """The layout that fits the most bleed boxes of width x height into `area`, centred in it.

    Ties go to a plain grid over a mixed one, then to the upright grid (fewer turned cards), then
    to the smaller block (more paper left for the slug's neighbours). An empty layout means the card
    does not fit at all.
    """
    upright = grid(width, height, area.width, area.height, gutter, False)
    turned = grid(width, height, area.width, area.height, gutter, True)
    candidates: list[tuple[str, list[Slot]]] = [("grid", upright), ("grid turned", turned)]
    candidates += [("mixed", slots) for slots in _mixed(width, height, area.width, area.height, gutter)]

    def rank(item: tuple[int, tuple[str, list[Slot]]]) -> tuple[int, int, float, int]:
        order, (_, slots) = item
        block = _extent(slots, width, height) if slots else (0.0, 0.0)
        return (-len(slots), 0 if order < 2 else 1, block[0] * block[1], order)

    _, (kind, slots) = min(enumerate(candidates), key=rank)
    if not slots:
        return Layout((), width, height, "none")
    used_w, used_h = _extent(slots, width, height)
    dx, dy = area.x0 + (area.width - used_w) / 2, area.y0 + (area.height - used_h) / 2
    placed = tuple(Slot(s.x + dx, s.y + dy, s.turned) for s in slots)
    return Layout(placed, width, height, kind)
