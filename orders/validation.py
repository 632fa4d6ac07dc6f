"""Checks of an order's items against the catalogue and the brand's uploads, before anything is recorded.

Pure: the caller passes the upright size of each upload it knows. Every problem is returned with
the JSON path of the field, so the API can answer 422 naming all of them at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from orders.spec import Crop, ImageRef, ItemSpec
from profiles.catalogue import Catalogue, ImageSlot, Kind, Product

ASPECT_TOLERANCE = 0.01  # relative; the editor's rounding stays well inside


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


def crop_aspect_error(crop: Crop, upright: tuple[int, int], slot_w_mm: float, slot_h_mm: float) -> str | None:
    """A message when the crop's pixel aspect differs from the visible slot's, else None."""
    crop_aspect = (crop.width * upright[0]) / (crop.height * upright[1])
    slot_aspect = slot_w_mm / slot_h_mm
    if abs(crop_aspect / slot_aspect - 1) > ASPECT_TOLERANCE:
        return (f"crop aspect {crop_aspect:.4f} (width/height in pixels of the upright image) does not match "
                f"the product's {slot_aspect:.4f}; send a rectangle of the product's aspect or leave crop out")
    return None


def _slots(product: Product, item: ItemSpec) -> dict[str, ImageSlot]:
    return {slot.id: slot for page in product.layout(item.orientation) for slot in page.slots}


def _check_image(path: str, ref: ImageRef, slot: ImageSlot | None, uploads: Mapping[str, tuple[int, int]],
                 errors: list[FieldError]) -> None:
    upright = uploads.get(ref.upload_id)
    if upright is None:
        errors.append(FieldError(f"{path}.upload_id", f"no upload {ref.upload_id!r} for this brand"))
        return
    if ref.crop is not None and slot is not None:
        message = crop_aspect_error(ref.crop, upright, slot.width_mm, slot.height_mm)
        if message:
            errors.append(FieldError(f"{path}.crop", message))


def check_items(items: list[ItemSpec], brand: str, catalogue: Catalogue,
                uploads: Mapping[str, tuple[int, int]]) -> list[FieldError]:
    """Every problem of the items, each naming its field (`items[0].image.crop`, ...)."""
    errors: list[FieldError] = []
    for index, item in enumerate(items):
        at = f"items[{index}]"
        product = catalogue.products.get(item.product)
        if product is None or product.brand != brand:
            errors.append(FieldError(f"{at}.product", f"unknown product {item.product!r} for brand {brand}"))
            continue
        if item.orientation is not None and item.orientation not in product.orientations:
            errors.append(FieldError(f"{at}.orientation", f"{product.id} comes in "
                                     f"{', '.join(product.orientations)} only"))
            continue
        if (item.wrap is not None or item.wrap_colour is not None) and product.kind is not Kind.canvas:
            errors.append(FieldError(f"{at}.wrap", "wrap applies to canvas products only"))
        slots = _slots(product, item)
        first = next((s for s in slots.values() if s.required), next(iter(slots.values()), None))
        if item.image is not None:
            _check_image(f"{at}.image", item.image, first, uploads, errors)
        elif first is not None and first.required:
            errors.append(FieldError(f"{at}.image", f"{product.id} needs a photo for its {first.id!r} slot"))
        for n, extra in enumerate(item.images):
            slot = slots.get(extra.slot)
            if slot is None or slot is first:
                errors.append(FieldError(f"{at}.images[{n}].slot", f"{product.id} has no further slot "
                                         f"{extra.slot!r}; slots: {', '.join(list(slots)[1:]) or 'none'}"))
                continue
            _check_image(f"{at}.images[{n}].image", extra.image, slot, uploads, errors)
        areas = {area.id: area for page in product.layout(item.orientation) for area in page.text_areas}
        for n, text in enumerate(item.texts):
            area = areas.get(text.area)
            if area is None:
                errors.append(FieldError(f"{at}.texts[{n}].area", f"{product.id} has no text area {text.area!r}"
                                         f"; areas: {', '.join(areas) or 'none'}"))
            elif text.font is not None and text.font not in area.fonts:
                errors.append(FieldError(f"{at}.texts[{n}].font", f"font {text.font!r} not offered here; "
                                         f"choose one of {', '.join(area.fonts)}"))
            elif text.size_pt is not None and not area.min_size_pt <= text.size_pt <= area.max_size_pt:
                errors.append(FieldError(f"{at}.texts[{n}].size_pt", f"size must be between "
                                         f"{area.min_size_pt} and {area.max_size_pt} pt"))
    return errors
