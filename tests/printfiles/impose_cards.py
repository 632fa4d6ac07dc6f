"""Card print files for the imposition tests, built once per session by the real build_item on
small generated photos (ppi 20: a few kB of JPEG each), and helpers to read placed sheets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pikepdf

from vocab.spec import ItemSpec
from printfiles.build import PrintMeta, build_item
from printfiles.layout import PT_PER_MM
from profiles.catalogue import Catalogue
from tests import imagegen
from tests.printfiles.conftest import low_ppi

CARD_PRODUCTS = ["card-a6-flat", "card-a6-folded", "card-square-folded", "invitation-din-long"]


def build_card(catalogue: Catalogue, product_id: str, folder: Path, *, job_id: str = "job-card",
               product_changes: dict | None = None) -> Path:
    """A card print file of the product, with a photo in every slot so both sides carry an image."""
    folder.mkdir(parents=True, exist_ok=True)
    photo = imagegen.photo_jpeg(folder / "photo.jpg", 120, 160)
    inside = imagegen.photo_jpeg(folder / "inside.jpg", 160, 120)
    product = low_ppi(catalogue.get(product_id), 20)
    if product_changes:
        product = product.model_copy(update=product_changes)
    slots = [s.id for page in product.layout() for s in page.slots]
    images = [{"slot": s, "image": {"upload_id": "u2"}} for s in slots[1:]]
    spec = ItemSpec(product=product_id, image={"upload_id": "u1"}, images=images)
    meta = PrintMeta(brand="kartenliebe", order_ref="KL-1", item_ref="1", job_id=job_id, version=1,
                     created_at=datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    return build_item(spec, product, {"u1": photo, "u2": inside}, folder / "out", meta).printfile


@dataclass(frozen=True)
class Use:
    """One `Do` of a card form on a sheet page: its name, matrix (pt) and the form."""

    name: str
    matrix: tuple[float, float, float, float, float, float]
    form: pikepdf.Object


def placements(page: pikepdf.Page) -> list[Use]:
    """Every `q a b c d e f cm /Name Do Q` on the page, read back from the content stream."""
    uses, matrix = [], None
    for operands, op in pikepdf.parse_content_stream(page):
        if str(op) == "cm":
            matrix = tuple(float(v) for v in operands)
        elif str(op) == "Do":
            name = str(operands[0])
            uses.append(Use(name, matrix, page.obj.Resources.XObject[name]))
    return uses


def apply_mm(matrix, x_mm: float, y_mm: float) -> tuple[float, float]:
    """A card point (mm) through a pt matrix, back in mm."""
    a, b, c, d, e, f = matrix
    x, y = x_mm * PT_PER_MM, y_mm * PT_PER_MM
    return (a * x + c * y + e) / PT_PER_MM, (b * x + d * y + f) / PT_PER_MM


def images(pdf_or_obj) -> dict[bytes, bytes]:
    """The raw (still encoded) bytes of every image XObject in the file, as a set-like dict."""
    found = {}
    for obj in pdf_or_obj.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
            raw = obj.read_raw_bytes()
            found[raw] = raw
    return found


def synthetic_card(name: str, trim_w: float, trim_h: float, *, pages: int = 2, bleed: float = 3.0,
                   fold: float | None = None, condition: str = "FOGRA47", icc: bytes = b"icc-47",
                   offset: float = 10.0):
    """A CardFile as read_card would return it, without a PDF: for the pure plan and marks tests.
    The trim sits `offset` mm inside the page (where a card file's marks and slug would be)."""
    from printfiles.impose.cards import CardFile, CardPage, OutputIntent
    from printfiles.impose.geometry import Rect

    trim = Rect.of(offset + bleed, offset + bleed + 12, trim_w, trim_h)  # slug below, as build_item does
    page_list = tuple(CardPage(i, trim, trim.grow(bleed), fold) for i in range(pages))
    return CardFile(path=Path(f"/nonexistent/{name}"), label=name, pages=page_list,
                    intent=OutputIntent(condition, condition, "http://www.color.org", icc), product_id=None)


_BUILT: dict[tuple[str, str], Path] = {}


def card_file(catalogue: Catalogue, product_id: str, root: Path, **kwargs) -> Path:
    """build_card once per session per (product, variant): the tests share the files, read-only."""
    key = (product_id, repr(sorted(kwargs.items())))
    if key not in _BUILT:
        _BUILT[key] = build_card(catalogue, product_id, root / f"{product_id}-{len(_BUILT)}", **kwargs)
    return _BUILT[key]
