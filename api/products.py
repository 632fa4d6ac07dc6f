"""The catalogue a shop builds its editor from: `GET /v1/products` and `GET /v1/products/{id}`, for
the caller's brand only — sizes, bleed, safe zone, pages with their photo slots and text areas (and
their limits), the minimum resolution, and the price in each market we sell to."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from apiflask import APIBlueprint
from pydantic import BaseModel, Field

from api.auth import bearer, roles
from api.context import caller, services
from api.problems import Problem
from profiles.catalogue import Catalogue, Product

bp = APIBlueprint("products", __name__, tag="Catalogue")


class SlotOut(BaseModel):
    id: str
    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float
    required: bool


class TextAreaOut(BaseModel):
    id: str
    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float
    fonts: list[str]
    size_pt: float
    min_size_pt: float
    max_size_pt: float
    align: str
    max_lines: int


class PageOut(BaseModel):
    name: str
    width_mm: float
    height_mm: float
    fold_x_mm: float | None = None
    slots: list[SlotOut]
    text_areas: list[TextAreaOut]


class OptionOut(BaseModel):
    default: str
    choices: list[str]
    surcharge: dict[str, dict[str, str]] = Field(description="choice -> currency -> gross surcharge")


class MarketPrice(BaseModel):
    market: str
    currency: str
    gross: str = Field(description="B2C gross unit price, VAT of the market included at checkout.")
    b2b_net: str | None = Field(None, description="B2B net unit price, where listed.")


class ProductOut(BaseModel):
    id: str
    kind: str
    name: str
    width_mm: float = Field(description="Trim width in the default orientation.")
    height_mm: float
    orientations: list[str]
    bleed_mm: float
    safe_mm: float = Field(description="Keep text and faces this far inside the trim edge.")
    min_ppi: float = Field(description="Below this effective resolution a photo is refused (fail).")
    warn_ppi: float = Field(description="Below this it is printed with a warning.")
    target_ppi: float
    pages: list[PageOut] = Field(description="The pages with their slots and text areas (default orientation).")
    canvas_frame_depth_mm: float | None = None
    vat_category: str | None = None
    prices: list[MarketPrice] = Field(description="Empty: not priced yet, cannot be ordered.")
    options: dict[str, OptionOut] = Field(default_factory=dict)


class ProductList(BaseModel):
    products: list[ProductOut]


@cache
def _price_data(catalogue_dir: Path | None, catalogue: Catalogue):
    from profiles.markets import load_markets
    from profiles.prices import load_prices

    return load_markets(catalogue_dir), load_prices(catalogue_dir, catalogue)


def product_out(product: Product) -> ProductOut:
    svc = services()
    markets, prices = _price_data(svc.settings.catalogue_dir, svc.catalogue)
    price = prices.get(product.brand, product.id) if (product.brand, product.id) in prices else None
    market_prices, options = [], {}
    if price is not None:
        for code in markets.codes:
            currency = markets.get(code).currency
            if currency in price.price:
                net = price.b2b_net.get(currency)
                market_prices.append(MarketPrice(market=code, currency=currency, gross=str(price.price[currency]),
                                                 b2b_net=None if net is None else str(net)))
        options = {name: OptionOut(default=o.default, choices=o.choices,
                                   surcharge={c: {k: str(v) for k, v in a.items()} for c, a in o.surcharge.items()})
                   for name, o in price.options.items()}
    pages = [PageOut(name=p.name, width_mm=p.width_mm, height_mm=p.height_mm, fold_x_mm=p.fold_x_mm,
                     slots=[SlotOut(**s.model_dump()) for s in p.slots],
                     text_areas=[TextAreaOut(**t.model_dump()) for t in p.text_areas]) for p in product.layout()]
    width, height = product.trim_mm()
    return ProductOut(id=product.id, kind=product.kind.value, name=product.name, width_mm=width, height_mm=height,
                      orientations=[o.value for o in product.orientations], bleed_mm=product.bleed_mm,
                      safe_mm=product.safe_mm, min_ppi=product.preflight.fail_ppi,
                      warn_ppi=product.preflight.warn_ppi, target_ppi=product.preflight.target_ppi, pages=pages,
                      canvas_frame_depth_mm=product.canvas.frame_depth_mm if product.canvas else None,
                      vat_category=price.vat_category if price else None, prices=market_prices, options=options)


@bp.get("/v1/products")
@bp.auth_required(bearer, roles=roles("shop", "production", "qa"))
@bp.output(ProductList)
@bp.doc(summary="The brand's products: sizes, bleed, safe zone, slots, text areas, minimum ppi, prices")
def list_products():
    products = sorted(services().catalogue.for_brand(caller().brand), key=lambda p: p.id)
    return ProductList(products=[product_out(p) for p in products])


@bp.get("/v1/products/<product_id>")
@bp.auth_required(bearer, roles=roles("shop", "production", "qa"))
@bp.output(ProductOut)
@bp.doc(summary="One of the brand's products")
def get_product(product_id: str):
    product = services().catalogue.products.get(product_id)
    if product is None or product.brand != caller().brand:
        raise Problem(404, "product-not-found", f"No product {product_id!r} for this brand.",
                      values={"id": repr(product_id)})
    return product_out(product)
