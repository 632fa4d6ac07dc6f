"""Crop and fold marks between ganged cards, and the sheet's slug.

A card's mark starts `mark_offset` outside its bleed on the extension of a trim (or fold) line and
runs up to `mark_length` away from it, but stops `mark_offset` short of any other card's bleed and
of the slug, and inside the printable area: in the gutter between neighbours a mark is shorter, and
one with no room is left out, rather than ever running into a neighbour's picture.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from barcode.codex import Code128
from reportlab.pdfgen.canvas import Canvas

from printfiles.impose.geometry import EPS, Rect
from printfiles.impose.plan import Placed
from printfiles.impose.sheet import SheetSpec
from printfiles.layout import PT_PER_MM
from printfiles.marks import SLUG_FONT, K, _draw_bars
from profiles import fonts

MIN_MARK_MM = 1.0  # shorter than this a mark is noise, not a guide
_DIRECTIONS = ((1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0))


@dataclass(frozen=True)
class Segment:
    """A straight mark on the sheet, mm."""

    x0: float
    y0: float
    x1: float
    y1: float
    dashed: bool = False

    @property
    def length(self) -> float:
        return abs(self.x1 - self.x0) + abs(self.y1 - self.y0)  # axis-aligned

    def box(self) -> Rect:
        x0, x1 = sorted((self.x0, self.x1))
        y0, y1 = sorted((self.y0, self.y1))
        return Rect(x0, y0, x1, y1)


def _entry(x: float, y: float, dx: float, dy: float, box: Rect) -> float | None:
    """Distance along the axis-aligned ray from (x, y) at which it enters `box`, or None."""
    if dx:
        if not box.y0 + EPS < y < box.y1 - EPS:
            return None
        edge = box.x0 if dx > 0 else box.x1
        t = (edge - x) * dx
    else:
        if not box.x0 + EPS < x < box.x1 - EPS:
            return None
        edge = box.y0 if dy > 0 else box.y1
        t = (edge - y) * dy
    return t if t > -EPS else None


def ray_mark(x: float, y: float, dx: float, dy: float, length: float, obstacles: Sequence[Rect],
             bounds: Rect, *, dashed: bool = False) -> Segment | None:
    """The mark from (x, y) in direction (dx, dy), cut short before obstacles and at the bounds."""
    if not bounds.contains(Rect(x, y, x, y)) or any(o.overlaps(Rect(x - EPS, y - EPS, x + EPS, y + EPS), 0)
                                                   for o in obstacles):
        return None
    if dx:
        room = bounds.x1 - x if dx > 0 else x - bounds.x0
    else:
        room = bounds.y1 - y if dy > 0 else y - bounds.y0
    reach = min([length, room, *(t for o in obstacles if (t := _entry(x, y, dx, dy, o)) is not None)])
    if reach < MIN_MARK_MM:
        return None
    return Segment(x, y, x + dx * reach, y + dy * reach, dashed)


def _line_marks(bleed: Rect, x: float | None, y: float | None, spec: SheetSpec, obstacles: Sequence[Rect],
                bounds: Rect, dashed: bool) -> Iterable[Segment | None]:
    """Marks on the vertical line x (above and below the bleed) or the horizontal line y (left, right)."""
    gap, length = spec.mark_offset, spec.mark_length
    if x is not None:
        yield ray_mark(x, bleed.y1 + gap, 0, 1, length, obstacles, bounds, dashed=dashed)
        yield ray_mark(x, bleed.y0 - gap, 0, -1, length, obstacles, bounds, dashed=dashed)
    if y is not None:
        yield ray_mark(bleed.x1 + gap, y, 1, 0, length, obstacles, bounds, dashed=dashed)
        yield ray_mark(bleed.x0 - gap, y, -1, 0, length, obstacles, bounds, dashed=dashed)


def sheet_marks(placed: Sequence[Placed], spec: SheetSpec) -> list[Segment]:
    """Crop marks on every trim line of every card, fold marks (dashed) on every fold, kept clear
    of every bleed (grown by the mark offset) and of the slug, inside the printable area."""
    if not spec.crop_marks:
        return []
    obstacles = [p.bleed.grow(spec.mark_offset - EPS) for p in placed]
    if spec.slug_rect is not None:
        obstacles.append(spec.slug_rect)
    bounds = spec.printable
    found: list[Segment | None] = []
    for p in placed:
        for x in (p.trim.x0, p.trim.x1):
            found.extend(_line_marks(p.bleed, x, None, spec, obstacles, bounds, False))
        for y in (p.trim.y0, p.trim.y1):
            found.extend(_line_marks(p.bleed, None, y, spec, obstacles, bounds, False))
        if p.fold is not None:
            (fx0, fy0), (fx1, _) = p.fold
            vertical = abs(fx0 - fx1) < EPS
            found.extend(_line_marks(p.bleed, fx0 if vertical else None, None if vertical else fy0, spec,
                                     obstacles, bounds, True))
    unique = {(round(s.x0, 4), round(s.y0, 4), round(s.x1, 4), round(s.y1, 4), s.dashed): s
              for s in found if s}
    return list(unique.values())


def draw_marks(canvas: Canvas, segments: Sequence[Segment], weight_pt: float) -> None:
    """Marks in pure black (0/0/0/100), as the single-card files draw theirs; folds dashed."""
    mm = PT_PER_MM
    canvas.setStrokeColor(K)
    canvas.setLineWidth(weight_pt)
    for dashed in (False, True):
        canvas.setDash([2, 1.5] if dashed else [])
        for s in segments:
            if s.dashed is dashed:
                canvas.line(s.x0 * mm, s.y0 * mm, s.x1 * mm, s.y1 * mm)
    canvas.setDash([])


def draw_sheet_slug(canvas: Canvas, strip: Rect, sheet_id: str, text: str) -> None:
    """The slug strip: a Code 128 of the sheet id with the id under it, then the text line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    mm = PT_PER_MM
    modules = Code128(sheet_id).build()[0]
    module = 0.25  # mm; 10 modules of quiet zone each side
    bar_height = strip.height * 0.55
    left = strip.x0 + 10 * module
    _draw_bars(canvas, modules, left * mm, (strip.y1 - 1.0 - bar_height) * mm, module * mm, bar_height * mm)
    fonts.font(SLUG_FONT)
    canvas.setFillColor(K)
    canvas.setFont(SLUG_FONT, 5)
    canvas.drawString(left * mm, (strip.y0 + 1.0) * mm, sheet_id)
    x = left + (len(modules) + 10) * module
    available = (strip.x1 - x - 1.0) * mm
    size = 6.0
    while size > 3.0 and stringWidth(text, SLUG_FONT, size) > available:
        size -= 0.5
    canvas.setFont(SLUG_FONT, size)
    canvas.drawString(x * mm, (strip.y0 + strip.height / 2 - size / (2 * mm)) * mm, text)
