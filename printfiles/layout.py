"""Page frames: where MediaBox, BleedBox and TrimBox lie on each printed page, in mm.

PDF coordinates: origin at the bottom-left of the MediaBox, y upward. The catalogue measures
slots and text areas from the top-left of the page's trim, y downward; `PageFrame.to_pdf`
converts. The BleedBox is the trim grown by the page bleed (canvas: wrap + bleed); the
printer's marks and slug lie outside the bleed and only grow the MediaBox.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from profiles.catalogue import Orientation, Page, Product
from profiles.printers import Printer

MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH


@dataclass(frozen=True)
class Box:
    """A rectangle in mm, PDF orientation (x, y of the bottom-left corner)."""

    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float

    @property
    def right_mm(self) -> float:
        return self.x_mm + self.width_mm

    @property
    def top_mm(self) -> float:
        return self.y_mm + self.height_mm

    def pdf_array(self) -> list[Decimal]:
        """[llx lly urx ury] in points, 4 decimals (1e-4 pt = 3.5e-5 mm)."""
        q = Decimal("0.0001")
        return [
            Decimal(repr(v * PT_PER_MM)).quantize(q, ROUND_HALF_EVEN)
            for v in (self.x_mm, self.y_mm, self.right_mm, self.top_mm)
        ]

    def contains(self, other: Box, tol: float = 1e-6) -> bool:
        return (
            other.x_mm >= self.x_mm - tol
            and other.y_mm >= self.y_mm - tol
            and other.right_mm <= self.right_mm + tol
            and other.top_mm <= self.top_mm + tol
        )


@dataclass(frozen=True)
class PageFrame:
    """One page as printed: its catalogue page and its three boxes."""

    index: int
    page: Page
    media: Box
    bleed: Box
    trim: Box
    bleed_mm: float

    def to_pdf(self, x_mm: float, y_mm: float) -> tuple[float, float]:
        """A point from trim-top-left coordinates (y down) to PDF mm (y up)."""
        return self.trim.x_mm + x_mm, self.trim.top_mm - y_mm

    def rect_to_pdf(self, x_mm: float, y_mm: float, width_mm: float, height_mm: float) -> Box:
        """A trim-top-left rectangle as a PDF Box."""
        left, top = self.to_pdf(x_mm, y_mm)
        return Box(left, top - height_mm, width_mm, height_mm)


def page_bleed_mm(product: Product) -> float:
    """Bleed around the trim of every page: product bleed, plus the canvas wrap for canvas."""
    wrap = product.canvas.wrap_mm if product.canvas else 0.0
    return product.bleed_mm + wrap


def page_frames(product: Product, orientation: Orientation | None, printer: Printer) -> list[PageFrame]:
    """The frames of every page of the product in that orientation for that printer."""
    bleed = page_bleed_mm(product)
    top, right, bottom, left = printer.margins_mm()
    frames = []
    for index, page in enumerate(product.layout(orientation)):
        media = Box(
            0.0,
            0.0,
            left + bleed + page.width_mm + bleed + right,
            bottom + bleed + page.height_mm + bleed + top,
        )
        bleed_box = Box(left, bottom, page.width_mm + 2 * bleed, page.height_mm + 2 * bleed)
        trim = Box(left + bleed, bottom + bleed, page.width_mm, page.height_mm)
        frames.append(
            PageFrame(index=index, page=page, media=media, bleed=bleed_box, trim=trim, bleed_mm=bleed)
        )
    return frames
