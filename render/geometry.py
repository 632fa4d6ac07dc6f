"""Crop and scale arithmetic of one image slot: millimetres in, pixels out, no pyvips.

Kept apart from the engine (as thumbor splits its crop maths from its imaging engine) so the
numbers a print shop checks, raster size, trim position and crop rectangle, can be tested alone.

Coordinates are continuous "edge" coordinates: pixel i covers [i, i + 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from profiles.catalogue import BleedStrategy, ImageSlot, Kind, Orientation, Page, Product

MM_PER_INCH = 25.4
EDGE_EPS_MM = 1e-6
ASPECT_TOLERANCE = 0.01  # a crop may differ from the slot's aspect by 1 % (editor rounding), no more


@dataclass(frozen=True)
class Edges:
    """A distance per side, in mm."""

    top: float
    right: float
    bottom: float
    left: float

    @classmethod
    def uniform(cls, value: float) -> Edges:
        return cls(value, value, value, value)


@dataclass(frozen=True)
class SlotGeometry:
    """The visible rectangle of a slot, the bleed around it, and the resolution to render at."""

    width_mm: float  # the visible rectangle (what the crop fills: trim part of the slot / canvas face)
    height_mm: float
    bleed: Edges  # how far the picture extends beyond the visible rectangle on each side, mm
    ppi: float  # target ppi (product.preflight.target_ppi)
    safe_mm: float = 0.0  # safe zone inset from the visible rectangle (drawn on the QA overlay)

    @property
    def total_mm(self) -> tuple[float, float]:
        """Width and height of the whole raster incl. bleed, mm (the PDF's BleedBox of the slot)."""
        return (
            self.width_mm + self.bleed.left + self.bleed.right,
            self.height_mm + self.bleed.top + self.bleed.bottom,
        )

    @property
    def aspect(self) -> float:
        """Width / height of the visible rectangle."""
        return self.width_mm / self.height_mm

    def pixel_size(self) -> tuple[int, int]:
        """Full raster incl. bleed at `ppi`, rounded to whole pixels; poster-50x70: (5976, 8339)."""
        total_w, total_h = self.total_mm
        return (
            max(1, round(total_w * self.ppi / MM_PER_INCH)),
            max(1, round(total_h * self.ppi / MM_PER_INCH)),
        )

    def px_per_mm(self) -> tuple[float, float]:
        """Exact raster pixels per mm on each axis once the raster fills `total_mm` (≈ ppi / 25.4)."""
        width_px, height_px = self.pixel_size()
        total_w, total_h = self.total_mm
        return width_px / total_w, height_px / total_h

    def trim_px(self) -> tuple[float, float, float, float]:
        """The visible rectangle in raster pixels (x, y, w, h), fractional: where the TrimBox falls."""
        kx, ky = self.px_per_mm()
        return self.bleed.left * kx, self.bleed.top * ky, self.width_mm * kx, self.height_mm * ky

    def with_ppi(self, ppi: float) -> SlotGeometry:
        """The same slot at another resolution (for the reduced pipeline that measures colour)."""
        return replace(self, ppi=ppi)


@dataclass(frozen=True)
class CropBox:
    """A rectangle in upright source pixels (continuous coordinates)."""

    x: float
    y: float
    width: float
    height: float


def crop_box(crop_x: float, crop_y: float, crop_w: float, crop_h: float, upright: tuple[int, int]) -> CropBox:
    """Fractions of the upright image (as the editor sends them) → source pixels."""
    width, height = upright
    return CropBox(crop_x * width, crop_y * height, crop_w * width, crop_h * height)


def aspect_mismatch(box: CropBox, geometry: SlotGeometry) -> float:
    """Relative difference between the crop's aspect and the visible rectangle's."""
    return abs((box.width / box.height) / geometry.aspect - 1.0)


def centred_box(
    upright: tuple[int, int], aspect: float, centre: tuple[float, float] | None = None
) -> CropBox:
    """The largest rectangle of `aspect` inside the image, centred (or on `centre`, kept inside)."""
    width, height = upright
    if width / height > aspect:
        box_w, box_h = height * aspect, float(height)
    else:
        box_w, box_h = float(width), width / aspect
    cx, cy = centre if centre is not None else (width / 2, height / 2)
    x = min(max(cx - box_w / 2, 0.0), width - box_w)
    y = min(max(cy - box_h / 2, 0.0), height - box_h)
    return CropBox(x, y, box_w, box_h)


def fit_box(upright: tuple[int, int], aspect: float) -> CropBox:
    """The smallest rectangle of `aspect` around the whole image, centred (`fit` mode)."""
    width, height = upright
    if width / height > aspect:
        box_w, box_h = float(width), width / aspect
    else:
        box_w, box_h = height * aspect, float(height)
    return CropBox((width - box_w) / 2, (height - box_h) / 2, box_w, box_h)


def scale_factors(box: CropBox, geometry: SlotGeometry) -> tuple[float, float]:
    """Raster pixels per source pixel on each axis, so that the box fills the visible rectangle."""
    _, _, trim_w, trim_h = geometry.trim_px()
    return trim_w / box.width, trim_h / box.height


def effective_ppi(box: CropBox, geometry: SlotGeometry) -> float:
    """Source pixels per inch at print size (the smaller axis): the one home of this number, for
    the plan (render.plan) and the render's report. A PDF's preflight reads another one, the ppi of
    the raster placed on the page (printfiles.preflight.reading.image_info), as it has no source."""
    return min(box.width / geometry.width_mm, box.height / geometry.height_mm) * MM_PER_INCH


def shrink_on_load(scale: float) -> int:
    """Largest JPEG shrink-on-load factor that still leaves >= 2x for the Lanczos reduce."""
    for factor in (8, 4, 2):
        if scale * factor * 2 <= 1.0:
            return factor
    return 1


def _on(value: float, edge: float) -> bool:
    return abs(value - edge) <= EDGE_EPS_MM


def _find_page(product: Product, page: Page | str | int, orientation: Orientation | None) -> Page:
    if isinstance(page, Page):
        return page
    pages = product.layout(orientation)
    if isinstance(page, int):
        return pages[page]
    for candidate in pages:
        if candidate.name == page:
            return candidate
    raise KeyError(f"product {product.id!r} has no page {page!r}; pages: {[p.name for p in pages]}")


def _find_slot(page: Page, slot: ImageSlot | str) -> ImageSlot:
    if isinstance(slot, ImageSlot):
        return slot
    for candidate in page.slots:
        if candidate.id == slot:
            return candidate
    raise KeyError(f"page {page.name!r} has no image slot {slot!r}; slots: {[s.id for s in page.slots]}")


def slot_geometry(
    product: Product,
    page: Page | str | int = 0,
    slot: ImageSlot | str | None = None,
    orientation: Orientation | None = None,
    wrap: BleedStrategy | None = None,
) -> SlotGeometry:
    """A catalogue slot as a SlotGeometry.

    Slot edges lying on the page's trim edge get the product's bleed, interior edges none. Canvas:
    the visible rectangle is the face and every side bleeds by frame depth + fold margin + bleed
    (`wrap` only chooses how that area is filled, see `bleed_strategy`).
    """
    the_page = _find_page(product, page, orientation)
    the_slot = _find_slot(the_page, slot) if slot is not None else the_page.slots[0]
    if product.kind is Kind.canvas and product.canvas is not None:
        bleed = Edges.uniform(product.canvas.wrap_mm + product.bleed_mm)
    else:
        b = product.bleed_mm
        bleed = Edges(
            top=b if _on(the_slot.y_mm, 0) else 0.0,
            right=b if _on(the_slot.x_mm + the_slot.width_mm, the_page.width_mm) else 0.0,
            bottom=b if _on(the_slot.y_mm + the_slot.height_mm, the_page.height_mm) else 0.0,
            left=b if _on(the_slot.x_mm, 0) else 0.0,
        )
    return SlotGeometry(
        width_mm=the_slot.width_mm,
        height_mm=the_slot.height_mm,
        bleed=bleed,
        ppi=product.preflight.target_ppi,
        safe_mm=product.safe_mm,
    )


def bleed_strategy(product: Product, wrap: BleedStrategy | None = None) -> BleedStrategy:
    """How the bleed is filled: the item's wrap on canvas (else the canvas default), else the product's."""
    if product.canvas is not None:
        return wrap or product.canvas.wrap
    return product.bleed_strategy


def ceil_px(value: float) -> int:
    """Whole pixels covering `value`, tolerant of float noise."""
    return math.ceil(value - 1e-9)
