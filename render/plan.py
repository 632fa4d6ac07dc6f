"""The plan of an item: which slot each photo fills, the crop in source pixels, scale, colour and bleed.

Pure (no pyvips, no files): an item, its product and the headers of its uploads (the upright size,
and the colour space when known) in; an `ItemPlan`, or the list of `FieldError`s naming what the
customer must change, out. Every rule a customer's item must meet is checked here and only here:
the API checks an order with it (`orders.validation.check_items`), `build_item` renders the plan
it returns, and `render_slot` plans a lone slot with `plan_box`. Field paths are relative to the
item (`image.crop`, `texts[1].area`); `check_items` puts `items[n].` in front.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from dataclasses import field as _field
from typing import Any

from vocab.spec import Crop, CropMode, ImageRef, ItemSpec, TextField
from profiles.catalogue import BleedStrategy, ImageSlot, Intent, Kind, Orientation, Page, Product, TextArea
from render.geometry import (
    ASPECT_TOLERANCE,
    CropBox,
    SlotGeometry,
    aspect_mismatch,
    bleed_strategy,
    centred_box,
    crop_box,
    effective_ppi,
    fit_box,
    scale_factors,
    slot_geometry,
)


@dataclass(frozen=True)
class FieldError:
    """One thing wrong with the customer's input, at its JSON path (`image.crop`, `items[0].product`).

    `message` is English, for logs, the CLI and the print-file builder. The customer reads it in their
    own language: this package stays free of the API, so it only names a stable `code` (kebab-case) and
    the `values` its sentence needs; the API looks the code up in `api/locales` (`domain-{code}`) and
    fills in the values. `tests/api/test_i18n_refusal_codes.py` checks every code has a text in every
    language, using only values its raiser gives."""

    field: str
    message: str
    code: str | None = _field(default=None, compare=False)
    values: dict[str, Any] | None = _field(default=None, compare=False, hash=False)

    def under(self, prefix: str) -> FieldError:
        """The same error one level down (`crop` -> `image.crop`), keeping its code and values."""
        return replace(self, field=f"{prefix}.{self.field}")


@dataclass(frozen=True)
class SourceHeader:
    """What an upload's header says, as far as the caller knows it (the API stores only the size)."""

    upright: tuple[int, int]  # width, height after EXIF orientation
    colour_space: str | None = None  # 'rgb' | 'grey' | 'cmyk' | ...; None when not known
    has_icc: bool | None = None  # an embedded ICC profile; None when not known


@dataclass(frozen=True)
class ColourPath:
    """How a slot's colours are converted (what the header lets us say before any pixel is read)."""

    source: str | None  # 'embedded profile' | 'sRGB assumed' | 'CMYK kept' | None (header unknown)
    output: str  # output profile id
    intent: Intent
    black_point_compensation: bool
    at: str  # 'source resolution' (before an enlargement) | 'print resolution' (after a reduction)


@dataclass(frozen=True)
class SlotPlan:
    """One photo slot as it will be rendered."""

    page: int  # index into product.layout(orientation) (= the PageFrame's index)
    slot: ImageSlot
    field: str  # where the photo was given: 'image' | 'images[n].image'
    image: ImageRef
    geometry: SlotGeometry
    box: CropBox  # the crop in upright source pixels; `smart`: the centred box, moved at render time
    smart: bool  # libvips' attention point places the box when rendering (its size, the scale, stay)
    scale: float  # raster pixels per source pixel (the larger axis)
    effective_ppi: float  # source pixels per inch at print size
    bleed: BleedStrategy
    bleed_colour: str
    colour: ColourPath


@dataclass(frozen=True)
class TextPlan:
    """One text field in its area."""

    page: int
    index: int  # position in spec.texts
    area: TextArea
    text: TextField


@dataclass(frozen=True)
class ItemPlan:
    product: str
    orientation: Orientation
    slots: tuple[SlotPlan, ...]  # page by page, in the page's slot order
    texts: tuple[TextPlan, ...]


def plan_crop(
    upright: tuple[int, int], geometry: SlotGeometry, crop: Crop | None, mode: CropMode
) -> CropBox | FieldError:
    """The crop rectangle in upright source pixels, or why the customer's crop cannot be printed (at
    field `crop`, with its code and values, so the customer reads it in their language).

    `smart` gives the centred box; the render moves it to libvips' attention point."""
    if crop is not None:
        box = crop_box(crop.x, crop.y, crop.width, crop.height, upright)
        if box.width < 1 or box.height < 1:
            return FieldError("crop", "the crop rectangle is smaller than one pixel of the photo; choose a "
                              "larger crop", code="crop-too-small", values={})
        if aspect_mismatch(box, geometry) > ASPECT_TOLERANCE:
            aspect, expected = f"{box.width / box.height:.4f}", f"{geometry.aspect:.4f}"
            width, height = f"{geometry.width_mm:g}", f"{geometry.height_mm:g}"
            return FieldError(
                "crop",
                f"crop aspect {aspect} (width/height in pixels of the upright image) does not match the "
                f"product's {expected} ({width} x {height} mm); crop again with the product's format or "
                "leave crop out",
                code="crop-aspect-mismatch",
                values={"aspect": aspect, "expected": expected, "width_mm": width, "height_mm": height},
            )
        return box
    if mode is CropMode.fit:
        return fit_box(upright, geometry.aspect)
    return centred_box(upright, geometry.aspect)


def plan_box(
    upright: tuple[int, int], geometry: SlotGeometry, crop: Crop | None, mode: CropMode
) -> CropBox | str:
    """`plan_crop` for a lone slot (`render_slot`), whose caller only needs the English reason."""
    planned = plan_crop(upright, geometry, crop, mode)
    return planned.message if isinstance(planned, FieldError) else planned


def _header(value: SourceHeader | tuple[int, int]) -> SourceHeader:
    return value if isinstance(value, SourceHeader) else SourceHeader(upright=(int(value[0]), int(value[1])))


def colour_path(header: SourceHeader, product: Product, scale: float) -> ColourPath:
    if header.colour_space is None:
        source = None
    elif header.colour_space == "cmyk" and not header.has_icc:
        source = "CMYK kept"
    else:
        source = "embedded profile" if header.has_icc else "sRGB assumed"
    return ColourPath(
        source=source,
        output=product.profile.id,
        intent=product.intent,
        black_point_compensation=product.intent is Intent.relative,
        at="source resolution" if scale > 1.0 else "print resolution",
    )


def _assign(spec: ItemSpec, product: Product, pages: list[Page],
            errors: list[FieldError]) -> dict[str, tuple[str, ImageRef]]:
    """slot id -> (field, image): `image` fills the first required slot, `images` the others."""
    slots = [s for page in pages for s in page.slots]
    first = next((s for s in slots if s.required), slots[0] if slots else None)
    assigned: dict[str, tuple[str, ImageRef]] = {}
    if spec.image is not None:
        if first is None:
            errors.append(FieldError("image", f"{product.id!r} has no photo slot; remove the image",
                                     code="no-photo-slot", values={"product": product.id}))
        else:
            assigned[first.id] = ("image", spec.image)
    elif first is not None and first.required:
        errors.append(FieldError("image", f"{product.id!r} needs a photo in slot {first.id!r}",
                                 code="photo-missing", values={"product": product.id, "slot": first.id}))
    known = [s.id for s in slots]
    for n, extra in enumerate(spec.images):
        field, slot_id = f"images[{n}].slot", extra.slot
        if slot_id not in known:
            values = {"product": product.id, "slot": slot_id, "slots": ", ".join(known)}
            errors.append(FieldError(field, f"{product.id!r} has no slot {slot_id!r}; slots: {known}",
                                     code="unknown-slot", values=values))
        elif first is not None and slot_id == first.id:
            errors.append(FieldError(field, f"slot {slot_id!r} takes the main photo; send it as `image`",
                                     code="main-photo-slot", values={"slot": slot_id}))
        elif slot_id in assigned:
            errors.append(FieldError(field, f"slot {slot_id!r} already has a photo",
                                     code="slot-taken", values={"slot": slot_id}))
        else:
            assigned[slot_id] = (f"images[{n}].image", extra.image)
    for slot in slots:
        if slot.required and slot is not first and slot.id not in assigned:
            errors.append(FieldError("images", f"{product.id!r} needs a photo in slot {slot.id!r}",
                                     code="photo-missing", values={"product": product.id, "slot": slot.id}))
    return assigned


def _plan_slot(page: int, slot: ImageSlot, field: str, ref: ImageRef, spec: ItemSpec, product: Product,
               pages: list[Page], headers: Mapping[str, SourceHeader | tuple[int, int]],
               errors: list[FieldError]) -> SlotPlan | None:
    if ref.upload_id not in headers:
        errors.append(FieldError(f"{field}.upload_id", f"image {ref.upload_id!r} for slot {slot.id!r} "
                                 "was not uploaded (for this brand); upload it first",
                                 code="upload-missing", values={"upload_id": ref.upload_id, "slot": slot.id}))
        return None
    header = _header(headers[ref.upload_id])
    geometry = slot_geometry(product, pages[page], slot, spec.orientation, spec.wrap)
    box = plan_crop(header.upright, geometry, ref.crop, ref.mode)
    if isinstance(box, FieldError):
        errors.append(box.under(field))
        return None
    scale = max(scale_factors(box, geometry))
    return SlotPlan(
        page=page, slot=slot, field=field, image=ref, geometry=geometry, box=box,
        smart=ref.crop is None and ref.mode is CropMode.smart, scale=scale,
        effective_ppi=effective_ppi(box, geometry), bleed=bleed_strategy(product, spec.wrap),
        bleed_colour=spec.wrap_colour or product.bleed_colour, colour=colour_path(header, product, scale),
    )


def _unknown_area(n: int, product: Product, area: str, areas: list[str]) -> FieldError:
    """A text for an area the product does not have; a product without any says so plainly."""
    message = f"{product.id!r} has no text area {area!r}; areas: {areas or 'none'}"
    if not areas:
        return FieldError(f"texts[{n}].area", message, code="no-text-areas",
                          values={"product": product.id, "area": area})
    return FieldError(f"texts[{n}].area", message, code="unknown-text-area",
                      values={"product": product.id, "area": area, "areas": ", ".join(areas)})


def _text_problem(n: int, text: TextField, area: TextArea, used: set[str]) -> FieldError | None:
    """What is wrong with one text in its (existing) area: given twice, a font or size not offered."""
    if text.area in used:
        return FieldError(f"texts[{n}].area", f"text area {text.area!r} is given twice",
                          code="text-area-twice", values={"area": area.id})
    if text.font is not None and text.font not in area.fonts:
        return FieldError(f"texts[{n}].font", f"text area {area.id!r}: font {text.font!r} is not offered "
                          f"here; choose one of {area.fonts}", code="font-not-offered",
                          values={"area": area.id, "font": text.font, "fonts": ", ".join(area.fonts)})
    if text.size_pt is not None and not area.min_size_pt <= text.size_pt <= area.max_size_pt:
        size, low, high = f"{text.size_pt:g}", f"{area.min_size_pt:g}", f"{area.max_size_pt:g}"
        return FieldError(f"texts[{n}].size_pt",
                          f"text area {area.id!r}: size {size} pt is outside {low}..{high} pt",
                          code="text-size-out-of-range",
                          values={"area": area.id, "size": size, "min": low, "max": high})
    return None


def _plan_texts(
    spec: ItemSpec, product: Product, pages: list[Page], errors: list[FieldError]
) -> list[TextPlan]:
    areas = {a.id: (i, a) for i, page in enumerate(pages) for a in page.text_areas}
    planned: list[TextPlan] = []
    used: set[str] = set()
    for n, text in enumerate(spec.texts):
        found = areas.get(text.area)
        if found is None:
            errors.append(_unknown_area(n, product, text.area, sorted(areas)))
            continue
        page, area = found
        problem = _text_problem(n, text, area, used)
        if problem is None:
            planned.append(TextPlan(page=page, index=n, area=area, text=text))
        else:
            errors.append(problem)
        used.add(text.area)
    return planned


def _product_problem(spec: ItemSpec, product: Product, orientation: Orientation) -> FieldError | None:
    """An item for another product, or in an orientation the product does not come in: nothing else
    of the item can be checked then."""
    if spec.product != product.id:
        return FieldError("product", f"the item is for {spec.product!r}, not {product.id!r}",
                          code="item-product-mismatch",
                          values={"item_product": spec.product, "product": product.id})
    if orientation not in product.orientations:
        offered = ", ".join(o.value for o in product.orientations)
        values = {"product": product.id, "offered": offered, "orientation": orientation.value}
        return FieldError("orientation", f"{product.id!r} comes in {offered} only, not {orientation.value!r}",
                          code="orientation-not-offered", values=values)
    return None


def plan_item(spec: ItemSpec, product: Product,
              headers: Mapping[str, SourceHeader | tuple[int, int]]) -> ItemPlan | list[FieldError]:
    """The item's plan, or every problem of it, each naming its field.

    `headers`: upload id -> its header (or just its upright (width, height)); an upload the item
    names that is missing here was not uploaded."""
    orientation = spec.orientation or product.default_orientation
    stop = _product_problem(spec, product, orientation)
    if stop is not None:
        return [stop]
    errors: list[FieldError] = []
    if (spec.wrap is not None or spec.wrap_colour is not None) and product.kind is not Kind.canvas:
        errors.append(FieldError("wrap", "wrap applies to canvas products only", code="wrap-canvas-only",
                                 values={}))
    pages = product.layout(orientation)
    assigned = _assign(spec, product, pages, errors)
    slots = []
    for index, page in enumerate(pages):
        for slot in page.slots:
            if slot.id in assigned:
                field, ref = assigned[slot.id]
                slots.append(_plan_slot(index, slot, field, ref, spec, product, pages, headers, errors))
    texts = _plan_texts(spec, product, pages, errors)
    if errors:
        return errors
    return ItemPlan(product=product.id, orientation=orientation, slots=tuple(s for s in slots if s),
                    texts=tuple(texts))
