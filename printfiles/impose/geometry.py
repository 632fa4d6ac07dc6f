"""Rectangles and affine maps in millimetres, PDF orientation (origin bottom-left, y up).

Imposition places card pages by quarter turns, mirrors back sheets for work-and-turn and checks
overlaps; everything it decides is plain arithmetic on these two types, so the placement and the
front/back registration can be tested without writing a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass

EPS = 1e-6  # mm; boxes that only touch do not overlap


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle by its corners, x0 <= x1 and y0 <= y1."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def of(cls, x: float, y: float, width: float, height: float) -> Rect:
        return cls(x, y, x + width, y + height)

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def area(self) -> float:
        return self.width * self.height

    def overlaps(self, other: Rect, tol: float = EPS) -> bool:
        """True if the interiors meet (shared edges are not an overlap)."""
        return (
            self.x0 < other.x1 - tol
            and other.x0 < self.x1 - tol
            and self.y0 < other.y1 - tol
            and other.y0 < self.y1 - tol
        )

    def contains(self, other: Rect, tol: float = EPS) -> bool:
        return (
            other.x0 >= self.x0 - tol
            and other.y0 >= self.y0 - tol
            and other.x1 <= self.x1 + tol
            and other.y1 <= self.y1 + tol
        )

    def grow(self, by: float) -> Rect:
        return Rect(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    def translate(self, dx: float, dy: float) -> Rect:
        return Rect(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)


@dataclass(frozen=True)
class Affine:
    """x' = a x + c y + e, y' = b x + d y + f: the operands of a PDF `cm`, in mm."""

    a: float = 1.0
    b: float = 0.0
    c: float = 0.0
    d: float = 1.0
    e: float = 0.0
    f: float = 0.0

    def apply(self, x: float, y: float) -> tuple[float, float]:
        return self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f

    def then(self, other: Affine) -> Affine:
        """This map followed by `other` (other ∘ self)."""
        return Affine(
            a=other.a * self.a + other.c * self.b,
            b=other.b * self.a + other.d * self.b,
            c=other.a * self.c + other.c * self.d,
            d=other.b * self.c + other.d * self.d,
            e=other.a * self.e + other.c * self.f + other.e,
            f=other.b * self.e + other.d * self.f + other.f,
        )

    def map_rect(self, rect: Rect) -> Rect:
        """The image of an axis-aligned rectangle (exact for quarter turns and mirrors)."""
        xs, ys = zip(*(self.apply(x, y) for x in (rect.x0, rect.x1) for y in (rect.y0, rect.y1)), strict=True)
        return Rect(min(xs), min(ys), max(xs), max(ys))

    def scaled_translation(self, factor: float) -> Affine:
        """The same map between other units (mm -> pt): the linear part stays, the offset scales."""
        return Affine(self.a, self.b, self.c, self.d, self.e * factor, self.f * factor)

    @property
    def determinant(self) -> float:
        return self.a * self.d - self.b * self.c


def quarter_turn(turns: int) -> Affine:
    """Counter-clockwise rotation by turns x 90°, exact (no trigonometry rounding)."""
    cos, sin = [(1, 0), (0, 1), (-1, 0), (0, -1)][turns % 4]
    return Affine(a=cos, b=sin, c=-sin, d=cos)


def translation(dx: float, dy: float) -> Affine:
    return Affine(e=dx, f=dy)


def mirror_x(axis: float) -> Affine:
    """Reflection in the vertical line x = axis."""
    return Affine(a=-1.0, e=2 * axis)


def place(source: Rect, turns: int, x: float, y: float) -> Affine:
    """The map that turns `source` by quarter turns and puts its lower-left corner at (x, y)."""
    turned = quarter_turn(turns)
    box = turned.map_rect(source)
    return turned.then(translation(x - box.x0, y - box.y0))
