"""Prices as data: per brand, product and currency; B2C gross list prices and option surcharges.

Loaded from `data/prices/<brand>.toml` and validated at start-up against the catalogue: every
product has a price in every currency (EUR and CHF), no price names an unknown product or one of
another brand. Errors name the file and the field. Amounts are Decimal, never floats.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from profiles.catalogue import Catalogue, load_catalogue
from profiles.markets import CURRENCIES, DecimalStr

DATA_DIR = Path(__file__).parent / "data"

Amounts = dict[str, DecimalStr]  # currency -> amount


class PriceError(ValueError):
    """A price data file is wrong; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_amounts(value: Amounts) -> Amounts:
    for currency, amount in value.items():
        if currency not in CURRENCIES:
            raise ValueError(f"currency {currency!r} is not one of {list(CURRENCIES)}")
        if amount < 0 or amount != amount.quantize(Decimal("0.01")):
            raise ValueError(f"{currency} {amount} must be a non-negative amount in cents")
    return value


class PriceOption(_Strict):
    """A choice that changes the price, e.g. canvas frame depth: `default` is included, others cost extra."""

    default: str
    surcharge: dict[str, Amounts] = Field(default_factory=dict, description="choice -> currency -> gross")

    @field_validator("surcharge")
    @classmethod
    def _amounts(cls, value: dict[str, Amounts]) -> dict[str, Amounts]:
        for amounts in value.values():
            _check_amounts(amounts)
        return value

    @property
    def choices(self) -> list[str]:
        return [self.default, *self.surcharge]

    def surcharge_for(self, choice: str, currency: str) -> Decimal:
        if choice == self.default:
            return Decimal("0.00")
        return self.surcharge[choice][currency]


class ProductPrice(_Strict):
    """The prices of one product."""

    product: str
    brand: str
    vat_category: str = Field("standard", pattern="^(standard|reduced)$")
    price: Amounts = Field(description="B2C gross list price per unit, per currency.")
    b2b_net: Amounts = Field(default_factory=dict, description="Optional B2B net unit price per currency.")
    options: dict[str, PriceOption] = Field(default_factory=dict)

    @field_validator("price", "b2b_net")
    @classmethod
    def _amounts(cls, value: Amounts) -> Amounts:
        return _check_amounts(value)

    @model_validator(mode="after")
    def _complete(self) -> Self:
        for name, option in self.options.items():
            for choice, amounts in option.surcharge.items():
                missing = [c for c in self.price if c not in amounts]
                if missing:
                    raise ValueError(f"options.{name}.surcharge.{choice} has no price in {missing}")
        return self


class PriceList:
    """All product prices by (brand, product id)."""

    def __init__(self, prices: list[ProductPrice]) -> None:
        self._prices: dict[tuple[str, str], ProductPrice] = {}
        for p in prices:
            if (p.brand, p.product) in self._prices:
                raise PriceError(f"product {p.product!r} of {p.brand} is priced twice")
            self._prices[(p.brand, p.product)] = p

    def get(self, brand: str, product: str) -> ProductPrice:
        try:
            return self._prices[(brand, product)]
        except KeyError:
            raise KeyError(f"no price for product {product!r} of brand {brand!r}") from None

    def __contains__(self, key: object) -> bool:
        return key in self._prices

    def keys(self) -> list[tuple[str, str]]:
        """(brand, product id) of every price."""
        return list(self._prices)

    def for_brand(self, brand: str) -> list[ProductPrice]:
        return [p for (b, _), p in self._prices.items() if b == brand]


def _load_file(path: Path) -> list[ProductPrice]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise PriceError(f"{path}: not valid TOML: {exc}") from exc
    brand = data.get("brand")
    if not isinstance(brand, str):
        raise PriceError(f"{path}: field 'brand' must name the brand")
    unknown = set(data) - {"brand", "product"}
    if unknown:
        raise PriceError(f"{path}: unknown top-level fields {sorted(unknown)}")
    prices = []
    for product, raw in data.get("product", {}).items():
        try:
            prices.append(ProductPrice.model_validate({"product": product, "brand": brand, **raw}))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(product)'}: {err['msg']}" for err in exc.errors()
            )
            raise PriceError(f"{path}: product.{product}: {problems}") from exc
    return prices


def validate_against(prices: PriceList, catalogue: Catalogue, where: str = "prices") -> None:
    """Every catalogue product priced in every currency; no price for an unknown/foreign product."""
    for brand, product_id in prices.keys():
        if product_id not in catalogue.products:
            raise PriceError(f"{where}/{brand}.toml: product.{product_id}: not in the catalogue")
        if catalogue.get(product_id).brand != brand:
            raise PriceError(
                f"{where}/{brand}.toml: product.{product_id}: belongs to brand "
                f"{catalogue.get(product_id).brand!r}"
            )
    for brand in catalogue.brands:
        for product in catalogue.for_brand(brand):
            if (brand, product.id) not in prices:
                raise PriceError(
                    f"{where}/{brand}.toml: product.{product.id}: no price (needs {list(CURRENCIES)})"
                )
            price = prices.get(brand, product.id)
            missing = [c for c in CURRENCIES if c not in price.price]
            if missing:
                raise PriceError(f"{where}/{brand}.toml: product.{product.id}.price: no price in {missing}")
            for name in price.options:
                if name == "frame_depth_mm" and product.canvas is None:
                    raise PriceError(
                        f"{where}/{brand}.toml: product.{product.id}.options.{name}: not a canvas"
                    )


def load_prices(data_dir: Path | None = None, catalogue: Catalogue | None = None) -> PriceList:
    """Load every `data_dir/prices/*.toml` and validate it against the catalogue (loaded if not given)."""
    folder = (data_dir or DATA_DIR) / "prices"
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise PriceError(f"{folder}: no price files")
    prices = PriceList([p for f in files for p in _load_file(f)])
    validate_against(prices, catalogue or load_catalogue(data_dir), where=str(folder))
    return prices
