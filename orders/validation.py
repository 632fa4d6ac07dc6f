"""Checks of an order's items against the catalogue and the brand's uploads, before anything is recorded.

Pure: the caller passes the upright size of each upload it knows. Every problem is returned with
the JSON path of the field, so the API can answer 422 naming all of them at once, and with its code
and values (kept when the path gets its `items[n].` prefix), so the API can say each one in the
caller's language. The rules themselves live in `render.plan.plan_item`, which `build_item`
renders from: an item that passes here is the item that renders.
"""

from __future__ import annotations

from collections.abc import Mapping

from vocab.spec import ItemSpec
from profiles.catalogue import Catalogue
from render.plan import FieldError, plan_item

__all__ = ["FieldError", "check_items"]


def check_items(items: list[ItemSpec], brand: str, catalogue: Catalogue,
                uploads: Mapping[str, tuple[int, int]]) -> list[FieldError]:
    """Every problem of the items, each naming its field (`items[0].image.crop`, ...)."""
    errors: list[FieldError] = []
    for index, item in enumerate(items):
        at = f"items[{index}]"
        product = catalogue.products.get(item.product)
        if product is None or product.brand != brand:
            errors.append(FieldError(f"{at}.product", f"unknown product {item.product!r} for brand {brand}",
                                     code="unknown-product",
                                     values={"product": item.product, "brand": brand}))
            continue
        planned = plan_item(item, product, uploads)
        if isinstance(planned, list):
            errors.extend(e.under(at) for e in planned)
    return errors
