"""What `render_slot` is asked to do for one slot: geometry, crop, bleed, colour and output options."""

from __future__ import annotations

from dataclasses import dataclass, replace

from vocab.spec import Crop, CropMode, ImageRef
from profiles.catalogue import BleedStrategy, Intent, Preflight, Product
from profiles.icc import OutputProfile
from render.geometry import CropBox, SlotGeometry, bleed_strategy
from render.plan import SlotPlan


@dataclass(frozen=True, kw_only=True)
class RenderRequest:
    """Everything render_slot needs for one slot; built from the catalogue and the item."""

    geometry: SlotGeometry
    crop: Crop | None = None
    mode: CropMode = CropMode.fill
    background: str = "#FFFFFF"  # around a `fit` image
    bleed: BleedStrategy = BleedStrategy.image
    bleed_colour: str = "#FFFFFF"  # for BleedStrategy.colour
    profile: OutputProfile
    intent: Intent
    jpeg_quality: int = 95
    lossless: bool = False
    preflight: Preflight
    preview_long_edge: int = 1200
    overlay: bool = True  # also write the slot's preview with trim line and safe zone drawn on
    box: CropBox | None = None  # the planned crop (render.plan); None: render_slot plans it from `crop`

    @classmethod
    def for_product(
        cls,
        product: Product,
        geometry: SlotGeometry,
        image: ImageRef | None = None,
        *,
        wrap: BleedStrategy | None = None,
        wrap_colour: str | None = None,
        preview_long_edge: int = 1200,
        overlay: bool = True,
    ) -> RenderRequest:
        """The request a worker makes for a product's slot and the item's image reference."""
        return cls(
            geometry=geometry,
            crop=image.crop if image else None,
            mode=image.mode if image else CropMode.fill,
            background=image.background if image else "#FFFFFF",
            bleed=bleed_strategy(product, wrap),
            bleed_colour=wrap_colour or product.bleed_colour,
            profile=product.profile,
            intent=product.intent,
            jpeg_quality=product.jpeg_quality,
            lossless=product.lossless,
            preflight=product.preflight,
            preview_long_edge=preview_long_edge,
            overlay=overlay,
        )

    @classmethod
    def for_plan(cls, product: Product, slot: SlotPlan, *, preview_long_edge: int = 1200,
                 overlay: bool = True) -> RenderRequest:
        """The request for a planned slot: its crop box is taken as planned, not checked again. The
        product's part is `for_product`'s; the bleed and its colour are the plan's, as it decided them."""
        request = cls.for_product(product, slot.geometry, slot.image, preview_long_edge=preview_long_edge,
                                  overlay=overlay)
        return replace(request, bleed=slot.bleed, bleed_colour=slot.bleed_colour, box=slot.box)
