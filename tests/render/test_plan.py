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


def test_errors_carry_a_code_and_the_values_of_their_sentence():
    """The render package knows no languages: it names the code and values the API translates."""
    spec = _item("card-a6-folded", image={"upload_id": "nope"},
                 images=[{"slot": "back", "image": {"upload_id": "u1"}}],
                 texts=[{"area": "greeting", "text": "a", "font": "comic-sans"},
                        {"area": "greeting", "text": "b", "size_pt": 500}], wrap="mirror")
    errors = plan_item(spec, CARD, {"u1": (600, 800)})
    pages = CARD.layout(Orientation.portrait)
    slots = [slot.id for page in pages for slot in page.slots]
    [greeting] = [area for page in pages for area in page.text_areas if area.id == "greeting"]
    assert [(e.code, e.values) for e in errors] == [
        ("wrap-canvas-only", {}),
        ("unknown-slot", {"product": "card-a6-folded", "slot": "back", "slots": ", ".join(slots)}),
        ("upload-missing", {"upload_id": "nope", "slot": "front"}),
        ("font-not-offered", {"area": "greeting", "font": "comic-sans", "fonts": ", ".join(greeting.fonts)}),
        ("text-area-twice", {"area": "greeting"}),
    ]
    assert errors[1].message.endswith(f"slots: {slots}")  # the English message is as before
    [size] = plan_item(_item("card-a6-folded", texts=[{"area": "greeting", "text": "a", "size_pt": 500}]),
                       CARD, {"u1": (600, 800)})
    assert (size.field, size.code) == ("texts[0].size_pt", "text-size-out-of-range")
    assert size.values["size"] == "500"


def test_a_crop_refusal_keeps_its_code_under_the_slot_and_the_item():
    off = {"x": 0, "y": 0, "width": 1, "height": 1}
    [error] = plan_item(_item(image={"upload_id": "u1", "crop": off}), POSTER, {"u1": (600, 800)})
    assert (error.field, error.code) == ("image.crop", "crop-aspect-mismatch")
    assert error.values == {"aspect": "0.7500", "expected": "0.7143", "width_mm": "500", "height_mm": "700"}
    assert error.message.startswith("crop aspect 0.7500 ") and "(500 x 700 mm)" in error.message
    speck = {"x": 0, "y": 0, "width": 1e-4, "height": 1e-4}
    [tiny] = plan_item(_item(image={"upload_id": "u1", "crop": speck}), POSTER, {"u1": (600, 800)})
    assert (tiny.field, tiny.code, tiny.values) == ("image.crop", "crop-too-small", {})
    [wrapped] = check_items([_item(image={"upload_id": "u1", "crop": off})], "myposter", CATALOGUE,
                            {"u1": (600, 800)})
    assert (wrapped.field, wrapped.code, wrapped.values) == ("items[0].image.crop", error.code, error.values)


def test_a_lone_slot_gets_the_english_reason_of_the_crop():
    """`render_slot` plans a slot without an item: plan_box gives it plan_crop's English message."""
    [slot] = plan_item(_item(), POSTER, {"u1": (500, 700)}).slots
    off = ItemSpec.model_validate({"product": "poster-50x70", "image": {"upload_id": "u1", "crop": {
        "x": 0, "y": 0, "width": 1, "height": 1}}}).image
    reason = plan.plan_box((600, 800), slot.geometry, off.crop, off.mode)
    assert reason == plan.plan_crop((600, 800), slot.geometry, off.crop, off.mode).message
    assert isinstance(plan.plan_box((500, 700), slot.geometry, off.crop, off.mode), geometry.CropBox)


def test_products_without_photo_slots_or_text_areas_say_so():
    [text] = plan_item(_item(texts=[{"area": "greeting", "text": "a"}]), POSTER, {"u1": (500, 700)})
    assert (text.code, text.values) == ("no-text-areas", {"product": "poster-50x70", "area": "greeting"})
    card = CATALOGUE.get("card-a6-folded")
    [missing] = plan_item(_item("card-a6-folded", image=None), card, {})
    assert (missing.field, missing.code, missing.values) == ("image", "photo-missing",
                                                             {"product": "card-a6-folded", "slot": "front"})
