"""Cards per sheet and paper use of a catalogue product, without any print file: what the
architecture document's table says and what a quote for gang printing can lean on."""

from __future__ import annotations

from dataclasses import dataclass

from printfiles.impose.layout import Layout, best_layout
from printfiles.impose.sheet import SheetSpec
from printfiles.layout import page_bleed_mm
from profiles.catalogue import Product


@dataclass(frozen=True)
class Capacity:
    product: str
    per_sheet: int
    kind: str  # how the layout was found: grid, grid turned, mixed
    paper_use: float  # trim area of the sheet's cards / sheet area
    layout: Layout


def capacity(product: Product, sheet: SheetSpec) -> Capacity:
    """How many of the product's print pages (spreads for folded cards) one sheet side holds."""
    page = product.layout()[0]
    bleed = page_bleed_mm(product)
    layout = best_layout(page.width_mm + 2 * bleed, page.height_mm + 2 * bleed, sheet.card_area, sheet.gutter)
    use = layout.count * page.width_mm * page.height_mm / (sheet.width * sheet.height)
    return Capacity(product.id, layout.count, layout.kind, use, layout)
