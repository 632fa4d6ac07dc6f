"""The product catalogue: one schema, loaded from TOML data files and validated at start-up.

Geometry is in millimetres. Page coordinates (slots, text areas) are measured from the top-left
corner of the page's trim, x to the right and y downward, as a designer lays a page out. A slot
edge that lies on the trim edge extends into the bleed.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from vocab.options import BleedStrategy, Intent, Orientation  # noqa: F401 - the catalogue names them
from profiles.base import DATA_DIR, CatalogueError
from profiles.icc import OUTPUT_PROFILES, OutputProfile, output_profile
from profiles.printers import Printer, load_printers


class Kind(StrEnum):
    poster = "poster"
    canvas = "canvas"
    card = "card"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rect(_Strict):
    x_mm: float = Field(ge=0)
    y_mm: float = Field(ge=0)
    width_mm: float = Field(gt=0)
    height_mm: float = Field(gt=0)


class ImageSlot(Rect):
    """Where a photo goes on a page."""

    id: str
    required: bool = True


class TextArea(Rect):
    """Where the customer's text may go on a page, and in which fonts and sizes."""

    id: str
    fonts: list[str] = Field(min_length=1)
    size_pt: float = Field(12, gt=0)
    min_size_pt: float = Field(6, gt=0)
    max_size_pt: float = Field(72, gt=0)
    align: str = Field("center", pattern="^(left|center|right)$")
    max_lines: int = Field(12, ge=1)


class Page(_Strict):
    """One printed page/side; cards print spreads (two panels side by side)."""

    name: str
    width_mm: float = Field(gt=0)
    height_mm: float = Field(gt=0)
    slots: list[ImageSlot] = Field(default_factory=list)
    text_areas: list[TextArea] = Field(default_factory=list)
    fold_x_mm: float | None = Field(None, description="Vertical fold line, from the left trim edge.")


class Preflight(_Strict):
    """Thresholds of the preflight findings for one product."""

    target_ppi: float = Field(300, gt=0)
    warn_ppi: float = Field(200, gt=0)
    fail_ppi: float = Field(120, gt=0)
    warn_upscale: float = Field(2.0, ge=1)
    fail_upscale: float = Field(4.0, ge=1)
    warn_crop_loss: float = Field(0.5, ge=0, le=1, description="Share of the source cut away.")
    warn_out_of_gamut: float | None = Field(
        None, ge=0, le=1,
        description="Share of pixels still outside the gamut after black point compensation; default the "
        "output condition's (render.preflight.OUT_OF_GAMUT_WARN).",
    )
    warn_ink: float | None = Field(None, description="Total ink %, default the profile's limit.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.fail_ppi <= self.warn_ppi <= self.target_ppi:
            raise ValueError("need fail_ppi <= warn_ppi <= target_ppi")
        if self.warn_upscale > self.fail_upscale:
            raise ValueError("need warn_upscale <= fail_upscale")
        return self


class Canvas(_Strict):
    """Stretcher-frame wrap of a canvas: the print area grows by frame depth plus fold margin."""

    frame_depth_mm: float = Field(gt=0)
    fold_margin_mm: float = Field(ge=0)
    wrap: BleedStrategy = BleedStrategy.mirror

    @property
    def wrap_mm(self) -> float:
        return self.frame_depth_mm + self.fold_margin_mm


class Product(_Strict):
    """A sellable print product of one brand."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    brand: str
    kind: Kind
    name: str
    width_mm: float = Field(gt=0, description="Finished (trim) width in the default orientation.")
    height_mm: float = Field(gt=0, description="Finished (trim) height in the default orientation.")
    orientations: list[Orientation] = Field(default_factory=lambda: [Orientation.portrait])
    bleed_mm: float = Field(3, ge=0)
    safe_mm: float = Field(5, ge=0)
    output_profile: str = "FOGRA39"
    intent: Intent = Intent.relative
    bleed_strategy: BleedStrategy = BleedStrategy.image
    bleed_colour: str = Field("#FFFFFF", pattern=r"^#[0-9A-Fa-f]{6}$")
    jpeg_quality: int = Field(95, ge=50, le=100)
    lossless: bool = False
    printer: str
    preflight: Preflight = Field(default_factory=Preflight)
    canvas: Canvas | None = None
    pages: list[Page] = Field(default_factory=list, description="Empty: one page of the trim size.")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.output_profile not in OUTPUT_PROFILES:
            raise ValueError(f"output_profile {self.output_profile!r} not one of {sorted(OUTPUT_PROFILES)}")
        if (self.kind is Kind.canvas) != (self.canvas is not None):
            raise ValueError("canvas products need a [canvas] table, and only they may have one")
        if not self.orientations:
            raise ValueError("orientations must name at least one")
        for page in self.pages:
            for rect in [*page.slots, *page.text_areas]:
                if rect.x_mm + rect.width_mm > page.width_mm + 1e-6 or rect.y_mm + rect.height_mm > page.height_mm + 1e-6:
                    raise ValueError(f"page {page.name!r}: {rect.id!r} lies outside the page")
        return self

    @property
    def profile(self) -> OutputProfile:
        return output_profile(self.output_profile)

    @property
    def default_orientation(self) -> Orientation:
        return self.orientations[0]

    def trim_mm(self, orientation: Orientation | None = None) -> tuple[float, float]:
        """Finished width and height in the given orientation."""
        w, h = self.width_mm, self.height_mm
        wanted = orientation or self.default_orientation
        is_portrait = h >= w
        if (wanted is Orientation.portrait) != is_portrait and w != h:
            w, h = h, w
        return w, h

    def with_options(self, options: dict[str, str]) -> Product:
        """The product as an item's options make it (a canvas on a 40 mm frame wraps 40 mm).

        Options that do not change the geometry (none yet) are left to pricing; an option value
        that cannot apply raises ValueError naming it.
        """
        depth = options.get("frame_depth_mm")
        if depth is None or self.canvas is None:
            return self
        try:
            millimetres = float(depth)
        except ValueError:
            raise ValueError(f"options.frame_depth_mm must be a number of millimetres, not {depth!r}") from None
        if not 0 < millimetres <= 100:
            raise ValueError(f"options.frame_depth_mm {depth!r} is outside 0..100 mm")
        return self.model_copy(update={"canvas": self.canvas.model_copy(update={"frame_depth_mm": millimetres})})

    def layout(self, orientation: Orientation | None = None) -> list[Page]:
        """The pages as printed; a single-image product is one page with one full slot `main`."""
        if self.pages:
            return list(self.pages)
        w, h = self.trim_mm(orientation)
        return [Page(name="front", width_mm=w, height_mm=h,
                     slots=[ImageSlot(id="main", x_mm=0, y_mm=0, width_mm=w, height_mm=h)])]


class Catalogue:
    """All products of all brands and the printers they print on, looked up by id."""

    def __init__(self, products: Iterable[Product], printers: dict[str, Printer] | None = None) -> None:
        self.products: dict[str, Product] = {}
        self.printers: dict[str, Printer] = printers if printers is not None else load_printers()
        for product in products:
            if product.id in self.products:
                raise CatalogueError(f"product id {product.id!r} appears twice")
            if product.printer not in self.printers:
                raise CatalogueError(f"product {product.id}: printer {product.printer!r} is not in the printer "
                                     f"profiles ({', '.join(sorted(self.printers))})")
            self.products[product.id] = product

    def printer(self, printer_id: str) -> Printer:
        try:
            return self.printers[printer_id]
        except KeyError:
            raise KeyError(f"unknown printer {printer_id!r}; known: {sorted(self.printers)}") from None

    def get(self, product_id: str) -> Product:
        try:
            return self.products[product_id]
        except KeyError:
            raise KeyError(f"unknown product {product_id!r}") from None

    def for_brand(self, brand: str) -> list[Product]:
        return [p for p in self.products.values() if p.brand == brand]

    @property
    def brands(self) -> list[str]:
        return sorted({p.brand for p in self.products.values()})


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{path}: not valid TOML: {exc}") from exc


def load_products(path: Path) -> list[Product]:
    """The products of one brand file: `brand = "..."` and `[[product]]` tables."""
    data = _read_toml(path)
    brand = data.get("brand")
    if not isinstance(brand, str):
        raise CatalogueError(f"{path}: field 'brand' must name the brand")
    products = []
    for index, raw in enumerate(data.get("product", [])):
        try:
            products.append(Product.model_validate({"brand": brand, **raw}))
        except ValidationError as exc:
            where = raw.get("id", f"#{index}")
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(product)'}: {err['msg']}" for err in exc.errors()
            )
            raise CatalogueError(f"{path}: product {where}: {problems}") from exc
    return products


def load_catalogue(data_dir: Path | None = None) -> Catalogue:
    """Load and validate every brand file under `data_dir/products/` and the printers they name
    (`data_dir/printers.toml`, or the packaged one when that folder has none)."""
    root = data_dir or DATA_DIR
    folder = root / "products"
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise CatalogueError(f"{folder}: no product files")
    printers_file = root / "printers.toml"
    printers = load_printers(printers_file if printers_file.exists() else None)
    return Catalogue((p for f in files for p in load_products(f)), printers)
