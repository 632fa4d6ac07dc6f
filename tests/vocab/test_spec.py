"""`vocab.spec`: crops inside the image, strict item specs (no unknown fields), the uploads an item names."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from vocab.spec import Crop, ItemSpec, OrderSpec


def test_a_crop_must_lie_inside_the_image():
    assert Crop(x=0.5, y=0.25, width=0.5, height=0.75).width == 0.5
    with pytest.raises(ValidationError, match="must lie inside the image"):
        Crop(x=0.6, y=0, width=0.5, height=1)
    with pytest.raises(ValidationError):
        Crop(x=0, y=0, width=0, height=1)


def test_items_refuse_unknown_fields_and_bad_colours():
    with pytest.raises(ValidationError, match="extra"):
        ItemSpec.model_validate({"product": "poster-50x70", "colour": "red"})
    with pytest.raises(ValidationError):
        ItemSpec.model_validate({"product": "p", "image": {"upload_id": "u", "background": "white"}})
    with pytest.raises(ValidationError):
        ItemSpec.model_validate({"product": "p", "quantity": 0})


def test_upload_ids_are_the_main_photo_then_the_slots():
    item = ItemSpec.model_validate({"product": "card-a6-folded", "image": {"upload_id": "front"},
                                    "images": [{"slot": "inside", "image": {"upload_id": "inner"}}]})
    assert item.upload_ids() == ["front", "inner"]
    assert ItemSpec(product="p").upload_ids() == []


def test_an_order_needs_an_item_and_well_formed_codes():
    base = {"external_id": "X-1", "market": "DE", "language": "de", "currency": "EUR",
            "shipping_address": {"name": "A", "street": "S 1", "postal_code": "1", "city": "C", "country": "DE"}}
    with pytest.raises(ValidationError):
        OrderSpec.model_validate({**base, "items": []})
    with pytest.raises(ValidationError):
        OrderSpec.model_validate({**base, "market": "de", "items": [{"product": "p"}]})
    assert OrderSpec.model_validate({**base, "items": [{"product": "p"}]}).customer.type == "b2c"
