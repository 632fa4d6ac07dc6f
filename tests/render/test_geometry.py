"""Slot geometry: raster sizes and boxes of every catalogue product, and the crop arithmetic."""

from __future__ import annotations

import pytest

from profiles.catalogue import BleedStrategy, Kind, Orientation, load_catalogue
from render.geometry import (
    Edges,
    SlotGeometry,
    bleed_strategy,
    centred_box,
    crop_box,
    effective_ppi,
    fit_box,
    scale_factors,
    shrink_on_load,
    slot_geometry,
)

CATALOGUE = load_catalogue()


def test_poster_50x70_is_5976_by_8339():
    geometry = slot_geometry(CATALOGUE.get("poster-50x70"))
    assert geometry.pixel_size() == (5976, 8339)
    assert geometry.bleed == Edges.uniform(3)
    x, y, w, h = geometry.trim_px()
    assert x == pytest.approx(3 * 5976 / 506) and y == pytest.approx(3 * 8339 / 706)
    assert w == pytest.approx(500 * 5976 / 506) and h == pytest.approx(700 * 8339 / 706)


@pytest.mark.parametrize("product_id", sorted(CATALOGUE.products))
def test_every_product_slot_size(product_id):
    product = CATALOGUE.get(product_id)
    for orientation in product.orientations:
        for page in product.layout(orientation):
            for slot in page.slots:
                geometry = slot_geometry(product, page, slot, orientation)
                if product.kind is Kind.canvas:
                    extra = product.canvas.frame_depth_mm + product.canvas.fold_margin_mm + product.bleed_mm
                    expected_bleed = (extra, extra, extra, extra)
                else:
                    on = lambda a, b: abs(a - b) < 1e-6  # noqa: E731
                    expected_bleed = (
                        product.bleed_mm if on(slot.y_mm, 0) else 0,
                        product.bleed_mm if on(slot.x_mm + slot.width_mm, page.width_mm) else 0,
                        product.bleed_mm if on(slot.y_mm + slot.height_mm, page.height_mm) else 0,
                        product.bleed_mm if on(slot.x_mm, 0) else 0,
                    )
                top, right, bottom, left = expected_bleed
                assert (
                    geometry.bleed.top,
                    geometry.bleed.right,
                    geometry.bleed.bottom,
                    geometry.bleed.left,
                ) == expected_bleed
                ppi = product.preflight.target_ppi
                assert geometry.pixel_size() == (
                    round((slot.width_mm + left + right) / 25.4 * ppi),
                    round((slot.height_mm + top + bottom) / 25.4 * ppi),
                )
                assert (geometry.width_mm, geometry.height_mm) == (slot.width_mm, slot.height_mm)


def test_orientation_turns_a_poster():
    poster = CATALOGUE.get("poster-50x70")
    portrait = slot_geometry(poster, orientation=Orientation.portrait).pixel_size()
    landscape = slot_geometry(poster, orientation=Orientation.landscape).pixel_size()
    assert landscape == (portrait[1], portrait[0])


def test_canvas_bleed_is_frame_plus_fold_plus_bleed():
    canvas = CATALOGUE.get("canvas-60x40")
    geometry = slot_geometry(canvas)
    assert (geometry.width_mm, geometry.height_mm) == (600, 400)
    assert geometry.bleed == Edges.uniform(20 + 15 + 5)
    assert geometry.pixel_size() == (round(680 / 25.4 * 200), round(480 / 25.4 * 200))
    assert bleed_strategy(canvas) is BleedStrategy.mirror
    assert bleed_strategy(canvas, BleedStrategy.colour) is BleedStrategy.colour
    assert bleed_strategy(CATALOGUE.get("poster-20x30"), BleedStrategy.mirror) is BleedStrategy.image


def test_folded_card_front_has_no_bleed_on_the_fold():
    card = CATALOGUE.get("card-a6-folded")
    front = slot_geometry(card, "outside", "front")
    assert front.bleed == Edges(top=3, right=3, bottom=3, left=0)
    inside = slot_geometry(card, "inside", "inside-left")
    assert inside.bleed == Edges(top=3, right=0, bottom=3, left=3)
    with pytest.raises(KeyError, match="no page"):
        slot_geometry(card, "middle")


def test_crop_arithmetic():
    geometry = SlotGeometry(width_mm=100, height_mm=50, bleed=Edges.uniform(0), ppi=254)  # 10 px/mm
    box = crop_box(0.1, 0.2, 0.5, 0.25, (1000, 1000))
    assert (box.x, box.y, box.width, box.height) == (100, 200, 500, 250)
    assert scale_factors(box, geometry) == pytest.approx((2.0, 2.0))
    assert effective_ppi(box, geometry) == pytest.approx(127.0)
    centred = centred_box((1000, 1000), 2.0)
    assert (centred.x, centred.y, centred.width, centred.height) == (0, 250, 1000, 500)
    moved = centred_box((1000, 1000), 2.0, centre=(500, 950))
    assert moved.y == 500  # kept inside the image
    fit = fit_box((1000, 1000), 2.0)
    assert (fit.x, fit.y, fit.width, fit.height) == (-500, 0, 2000, 1000)


@pytest.mark.parametrize(
    ("scale", "factor"), [(1.5, 1), (0.6, 1), (0.4, 1), (0.25, 2), (0.2, 2), (0.1, 4), (0.0625, 8), (0.01, 8)]
)
def test_shrink_on_load_leaves_room_for_lanczos(scale, factor):
    assert shrink_on_load(scale) == factor


def test_a_deeper_canvas_frame_widens_the_wrap():
    from profiles.catalogue import load_catalogue
    from render.geometry import slot_geometry

    canvas = load_catalogue().get("canvas-40x30")
    standard = slot_geometry(canvas)
    deep = slot_geometry(canvas.with_options({"frame_depth_mm": "40"}))
    assert (standard.width_mm, standard.height_mm) == (deep.width_mm, deep.height_mm) == (400, 300)
    assert deep.bleed.left - standard.bleed.left == 20
    assert deep.total_mm[0] - standard.total_mm[0] == 40 and deep.total_mm[1] - standard.total_mm[1] == 40
