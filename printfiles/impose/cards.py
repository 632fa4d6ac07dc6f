"""Reading card print files: their boxes, their pages, their output intent, their folds.

Only what this project's print files carry is trusted: TrimBox and BleedBox of each page (the
card's marks and slug outside the bleed are cut away by the form's BBox when it is placed), and
the PDF/X output intent, which decides which cards may share a sheet. Folds come from the catalogue
product the file was made for (named in its title by `build_item`, or given by the caller).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from printfiles.impose.errors import ImposeError
from printfiles.impose.geometry import Rect
from printfiles.layout import PT_PER_MM
from profiles.catalogue import Catalogue, Kind, Product

_TITLE_PRODUCT = re.compile(r"\(([a-z0-9][a-z0-9-]*), r\d+\)$")
_MATCH_MM = 0.05  # a box within this of the catalogue size is that size (PDF boxes round to 1e-4 pt)


@dataclass(frozen=True)
class OutputIntent:
    """A card's printing condition: what it is called and the ICC profile that defines it."""

    condition_identifier: str
    condition: str
    registry: str
    icc: bytes

    @property
    def key(self) -> tuple[str, str]:
        """Two cards print on the same stock only if both name and profile agree."""
        return self.condition_identifier, hashlib.sha256(self.icc).hexdigest()


@dataclass(frozen=True)
class CardPage:
    """One page of a card file, boxes in mm of the page's own coordinates."""

    index: int
    trim: Rect
    bleed: Rect
    fold_x: float | None  # vertical fold, mm from the trim's left edge


@dataclass(frozen=True)
class CardFile:
    """A card print file as imposition sees it."""

    path: Path
    label: str  # job id or file name, for the slug
    pages: tuple[CardPage, ...]
    intent: OutputIntent
    product_id: str | None

    @property
    def duplex(self) -> bool:
        return len(self.pages) == 2

    @property
    def format_key(self) -> tuple[object, ...]:
        """Cards with equal keys can share one layout (same boxes, same number of sides, same folds)."""
        return tuple((round(p.bleed.width, 2), round(p.bleed.height, 2), round(p.trim.x0 - p.bleed.x0, 2),
                      round(p.trim.y0 - p.bleed.y0, 2), round(p.trim.width, 2), round(p.trim.height, 2),
                      None if p.fold_x is None else round(p.fold_x, 2)) for p in self.pages)


def _box(page: pikepdf.Page, name: str, path: Path) -> Rect:
    value = page.obj.get(name)
    if value is None:
        raise ImposeError(f"{path.name}: page {page.index + 1} has no {name[1:]}; not a print file")
    llx, lly, urx, ury = (float(v) / PT_PER_MM for v in value)
    return Rect(min(llx, urx), min(lly, ury), max(llx, urx), max(lly, ury))


def _intent(pdf: pikepdf.Pdf, path: Path) -> OutputIntent:
    intents = pdf.Root.get("/OutputIntents")
    if not intents:
        raise ImposeError(f"{path.name}: no PDF/X output intent; impose only print files made by printline")
    intent = intents[0]
    profile = intent.get("/DestOutputProfile")
    if profile is None:
        raise ImposeError(f"{path.name}: the output intent has no ICC profile")
    return OutputIntent(
        condition_identifier=str(intent.get("/OutputConditionIdentifier", "")),
        condition=str(intent.get("/OutputCondition", "")),
        registry=str(intent.get("/RegistryName", "")),
        icc=profile.read_bytes(),
    )


def _product_from_title(pdf: pikepdf.Pdf, catalogue: Catalogue | None) -> Product | None:
    """build_item titles files '... (product-id, rN)'; that names the product, if the catalogue has it."""
    if catalogue is None or "/Title" not in pdf.docinfo:
        return None
    match = _TITLE_PRODUCT.search(str(pdf.docinfo.Title))
    return catalogue.products.get(match.group(1)) if match else None


def _by_size(trims: list[Rect], catalogue: Catalogue | None) -> Product | None:
    """The one card product whose pages have these trim sizes, if exactly one does."""
    if catalogue is None:
        return None
    found = [p for p in catalogue.products.values() if p.kind is Kind.card and _matches(p, trims)]
    return found[0] if len(found) == 1 else None


def _matches(product: Product, trims: list[Rect]) -> bool:
    pages = product.layout()
    return len(pages) == len(trims) and all(
        abs(p.width_mm - t.width) <= _MATCH_MM and abs(p.height_mm - t.height) <= _MATCH_MM
        for p, t in zip(pages, trims, strict=True)
    )


def read_card(path: Path, *, label: str | None = None, product: Product | None = None,
              catalogue: Catalogue | None = None) -> CardFile:
    """Read one card print file. `product` (or else the catalogue) supplies the folds; a product
    whose pages do not match the file's trim sizes is an ImposeError."""
    path = Path(path)
    try:
        pdf = pikepdf.open(path)
    except (OSError, pikepdf.PdfError) as exc:
        raise ImposeError(f"{path.name}: cannot read the PDF: {exc}") from exc
    with pdf:
        if len(pdf.pages) not in (1, 2):
            raise ImposeError(f"{path.name}: {len(pdf.pages)} pages; a card has 1 (front) or 2 "
                              "(outside/inside, front/back)")
        trims = [_box(p, "/TrimBox", path) for p in pdf.pages]
        bleeds = [_box(p, "/BleedBox", path) if "/BleedBox" in p.obj else trims[i]
                  for i, p in enumerate(pdf.pages)]
        intent = _intent(pdf, path)
        chosen = product or _product_from_title(pdf, catalogue)
        if chosen is not None and not _matches(chosen, trims):
            if product is not None:
                raise ImposeError(f"{path.name}: its pages are not the size of product {product.id!r}")
            chosen = None
        chosen = chosen or _by_size(trims, catalogue)
    if len(trims) == 2 and (abs(trims[0].width - trims[1].width) > _MATCH_MM
                            or abs(trims[0].height - trims[1].height) > _MATCH_MM):
        raise ImposeError(f"{path.name}: its two pages differ in size; the back cannot sit behind the front")
    for trim, bleed in zip(trims, bleeds, strict=True):
        if not bleed.contains(trim, tol=1e-3):
            raise ImposeError(f"{path.name}: the BleedBox does not contain the TrimBox")
    folds = [p.fold_x_mm for p in chosen.layout()] if chosen else [None] * len(trims)
    pages = tuple(CardPage(i, t, b, f) for i, (t, b, f) in enumerate(zip(trims, bleeds, folds, strict=True)))
    return CardFile(path=path, label=label or path.name, pages=pages, intent=intent,
                    product_id=chosen.id if chosen else None)
