"""plan_item: the item's slots, crops, scale and colour path, or every field error; check_items wraps it."""

from __future__ import annotations

import pytest

from vocab.spec import ItemSpec
from orders.validation import FieldError, check_items
from profiles.catalogue import BleedStrategy, Orientation, load_catalogue
from render import geometry, plan
from render.plan import ItemPlan, SourceHeader, plan_item

CATALOGUE = load_catalogue()
POSTER = CATALOGUE.get("poster-50x70")
CARD = CATALOGUE.get("card-a6-folded")


def _item(product: str = "poster-50x70", **fields) -> ItemSpec:
    fields.setdefault("image", {"upload_id": "u1"})
    return ItemSpec(product=product, **fields)


def test_a_poster_plan_has_its_slot_box_scale_and_colour():
    planned = plan_item(_item(), POSTER, {"u1": SourceHeader((1000, 1400), "rgb", False)})
    assert isinstance(planned, ItemPlan) and planned.orientation is Orientation.portrait
    [slot] = planned.slots
    assert (slot.page, slot.slot.id, slot.field) == (0, "main", "image")
    assert (slot.box.width, slot.box.height) == pytest.approx((1000, 1400))
    assert slot.scale == pytest.approx(max(geometry.scale_factors(slot.box, slot.geometry)))
    assert slot.effective_ppi == pytest.approx(1000 / 500 * 25.4)
    assert slot.bleed is BleedStrategy.image and not slot.smart
    assert slot.colour.source == "sRGB assumed" and slot.colour.output == "FOGRA39"
    assert slot.colour.at == "source resolution"  # 1000 px onto 50 cm at 300 ppi: enlarged


def test_only_the_size_is_enough_to_plan():
    planned = plan_item(_item(image={"upload_id": "u1", "mode": "smart"}), POSTER, {"u1": (8000, 11200)})
    [slot] = planned.slots
    assert slot.smart and slot.colour.source is None and slot.colour.at == "print resolution"


def test_errors_name_every_field():
    spec = _item("card-a6-folded", image={"upload_id": "nope"},
                 images=[{"slot": "back", "image": {"upload_id": "u1"}},
                         {"slot": "front", "image": {"upload_id": "u1"}}],
                 texts=[{"area": "greeting", "text": "a", "font": "comic-sans"},
                        {"area": "greeting", "text": "b"}], wrap="mirror")
    errors = plan_item(spec, CARD, {"u1": (600, 800)})
    assert [e.field for e in errors] == ["wrap", "images[0].slot", "images[1].slot", "image.upload_id",
                                        "texts[0].font", "texts[1].area"]
    assert "font 'comic-sans' is not offered" in errors[4].message and "twice" in errors[5].message


def test_crop_aspect_has_one_tolerance():
    assert plan.ASPECT_TOLERANCE is geometry.ASPECT_TOLERANCE
    near = {"x": 0, "y": 0, "width": 1.0, "height": 1.0}  # a 500 x 700 upload: exactly 50 x 70
    assert isinstance(plan_item(_item(image={"upload_id": "u1", "crop": near}), POSTER, {"u1": (500, 700)}),
                      ItemPlan)
    off = 700 * (1 + 1.5 * geometry.ASPECT_TOLERANCE)
    [error] = plan_item(_item(image={"upload_id": "u1", "crop": near}), POSTER, {"u1": (500, round(off))})
    assert error.field == "image.crop" and error.message.startswith("crop aspect")


def test_orientation_and_product_mismatch_stop_early():
    [error] = plan_item(_item(), CATALOGUE.get("poster-20x30"), {"u1": (10, 10)})
    assert error.field == "product"
    card = CATALOGUE.get("card-a6-flat")
    if Orientation.landscape not in card.orientations:
        [error] = plan_item(_item("card-a6-flat", orientation="landscape"), card, {"u1": (10, 10)})
        assert error.field == "orientation"


def test_check_items_is_plan_item_with_item_paths():
    items = [_item(), _item(image={"upload_id": "u1", "crop": {"x": 0, "y": 0, "width": 1, "height": 1}}),
             _item("card-a6-flat")]
    errors = check_items(items, "myposter", CATALOGUE, {"u1": (1000, 1000)})
    assert errors == [
        FieldError("items[1].image.crop", errors[0].message),
        FieldError("items[2].product", "unknown product 'card-a6-flat' for brand myposter"),
    ]
    assert errors[0].message.startswith("crop aspect 1.0000")
