"""`render.request.RenderRequest`: what render_slot is asked for one slot, built from the product (its
profile, intent, quality, preflight, bleed) and the item's image reference, or from a planned slot
whose crop box and bleed are taken as planned."""

from __future__ import annotations

import dataclasses

import pytest

from profiles.catalogue import BleedStrategy, load_catalogue
from render.geometry import slot_geometry
from render.plan import SourceHeader, plan_item
from render.request import RenderRequest
from vocab.spec import CropMode, ImageRef, ItemSpec


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_a_products_request_carries_its_output_and_the_images_choices(catalogue):
    product = catalogue.get("poster-50x70")
    geometry = slot_geometry(product)
    plain = RenderRequest.for_product(product, geometry)
    assert (plain.profile, plain.intent, plain.preflight) == (product.profile, product.intent, product.preflight)
    assert (plain.jpeg_quality, plain.lossless) == (product.jpeg_quality, product.lossless)
    assert (plain.crop, plain.mode, plain.background, plain.box) == (None, CropMode.fill, "#FFFFFF", None)
    image = ImageRef(upload_id="u1", mode="fit", background="#336699")
    fitted = RenderRequest.for_product(product, geometry, image, preview_long_edge=600, overlay=False)
    assert (fitted.mode, fitted.background, fitted.preview_long_edge, fitted.overlay) == (
        CropMode.fit, "#336699", 600, False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fitted.lossless = True  # type: ignore[misc]


def test_a_canvas_wrap_and_its_colour_come_from_the_item(catalogue):
    canvas = catalogue.get("canvas-40x30")
    request = RenderRequest.for_product(canvas, slot_geometry(canvas), wrap=BleedStrategy.colour,
                                        wrap_colour="#112233")
    assert (request.bleed, request.bleed_colour) == (BleedStrategy.colour, "#112233")


def test_a_planned_slot_keeps_its_box_and_bleed(catalogue):
    product = catalogue.get("poster-50x70")
    spec = ItemSpec.model_validate({"product": product.id, "image": {"upload_id": "u1"}})
    item = plan_item(spec, product, {"u1": SourceHeader((5000, 7000), "rgb", False)})
    [slot] = item.slots
    request = RenderRequest.for_plan(product, slot, overlay=False)
    assert request.box == slot.box and request.bleed == slot.bleed and request.geometry == slot.geometry
    assert request.overlay is False and request.profile == product.profile
