"""`orders.validation.check_items`: every problem of an order's items at its JSON path, none for a good
item; products of another brand are unknown."""

from __future__ import annotations

import pytest

from orders.validation import FieldError, check_items
from profiles.catalogue import load_catalogue
from vocab.spec import ItemSpec

UPLOADS = {"upl_portrait": (3000, 4200)}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def _item(**fields) -> ItemSpec:
    return ItemSpec.model_validate({"product": "poster-50x70", "image": {"upload_id": "upl_portrait"}, **fields})


def test_a_good_item_has_no_problem(catalogue):
    assert check_items([_item()], "myposter", catalogue, UPLOADS) == []


def test_unknown_or_foreign_products_are_named_by_position(catalogue):
    errors = check_items([_item(), _item(product="nope"), _item()], "myposter", catalogue, UPLOADS)
    assert errors == [FieldError("items[1].product", "unknown product 'nope' for brand myposter")]
    foreign = check_items([_item()], "kartenliebe", catalogue, UPLOADS)
    assert [e.field for e in foreign] == ["items[0].product"]


def test_problems_of_the_plan_get_the_item_path(catalogue):
    missing = check_items([_item(image={"upload_id": "upl_gone"})], "myposter", catalogue, UPLOADS)
    assert missing and all(e.field.startswith("items[0].image") for e in missing)
    card = _item(product="card-a6-flat", orientation="landscape")  # cards come in portrait only
    wrong_way = check_items([_item(product="card-a6-flat"), card], "kartenliebe", catalogue, UPLOADS)
    assert [e.field for e in wrong_way] == ["items[1].orientation"]
    assert "portrait only" in wrong_way[0].message


def test_every_problem_keeps_its_code_and_values_under_the_item_path(catalogue):
    """What the API needs to say each problem in the caller's language survives the `items[n].` prefix."""
    crop = {"upload_id": "upl_square", "crop": {"x": 0, "y": 0, "width": 1, "height": 1}}
    errors = check_items([_item(product="nope"), _item(image=crop, wrap="mirror")], "myposter", catalogue,
                         {"upl_square": (3000, 3000)})
    assert [(e.field, e.code) for e in errors] == [("items[0].product", "unknown-product"),
                                                   ("items[1].wrap", "wrap-canvas-only"),
                                                   ("items[1].image.crop", "crop-aspect-mismatch")]
    assert errors[0].values == {"product": "nope", "brand": "myposter"}
    assert errors[2].values["aspect"] == "1.0000" and errors[2].values["width_mm"] == "500"
