"""Markets as data: country -> currency, languages, VAT rates with effective dates, shipping.

Loaded from `data/markets.toml` and validated at start-up; an error names the file and the field.
A rate change is a new dated entry, so an order placed earlier keeps the rate then in force
(`Market.rate_at`). Rates are Decimal percentages (19 for 19 %).
"""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

DATA_DIR = Path(__file__).parent / "data"
LANGUAGES = ("de", "en", "fr", "it", "es", "nl")
CURRENCIES = ("EUR", "CHF")


def _no_float(value: object) -> object:
    if isinstance(value, float):
        raise ValueError(
            f'write {value} as a decimal string ("{value}"), not a TOML float, so it stays exact'
        )
    return value


#: A Decimal written as a string (or integer) in the data files; floats are refused.
DecimalStr = Annotated[Decimal, BeforeValidator(_no_float)]


class MarketError(ValueError):
    """The markets data file is wrong; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VatPeriod(_Strict):
    """The rates in force from `effective_from` (inclusive, UTC) until the next period starts."""

    effective_from: date
    standard: DecimalStr = Field(ge=0, lt=100)
    reduced: DecimalStr | None = Field(None, ge=0, lt=100)

    def rate(self, category: str) -> Decimal | None:
        return {"standard": self.standard, "reduced": self.reduced}.get(category)


class Market(_Strict):
    """One country we sell to."""

    code: str = Field(pattern=r"^[A-Z]{2}$")
    name: str
    currency: str
    eu: bool
    default_language: str
    languages: list[str] = Field(min_length=1, description="Accepted languages; always includes 'en'.")
    vat: list[VatPeriod] = Field(default_factory=list, description="Sorted by effective_from.")
    vat_rates_from: str | None = Field(None, description="Use this market's rates (LI -> CH).")
    shipping: dict[str, dict[str, DecimalStr]] = Field(
        default_factory=dict, description="brand -> currency -> gross"
    )

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if value not in CURRENCIES:
            raise ValueError(f"currency {value!r} is not one of {list(CURRENCIES)}")
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        unknown = [lang for lang in value if lang not in LANGUAGES]
        if unknown:
            raise ValueError(f"languages {unknown} are not among the supported {list(LANGUAGES)}")
        return value if "en" in value else [*value, "en"]

    @field_validator("vat")
    @classmethod
    def _sorted(cls, value: list[VatPeriod]) -> list[VatPeriod]:
        dates = [p.effective_from for p in value]
        if len(set(dates)) != len(dates):
            raise ValueError("two VAT periods start on the same date")
        return sorted(value, key=lambda p: p.effective_from)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.default_language not in self.languages:
            raise ValueError(
                f"default_language {self.default_language!r} is not in languages {self.languages}"
            )
        if not self.vat and not self.vat_rates_from:
            raise ValueError("needs VAT periods (vat = [...]) or vat_rates_from")
        for brand, prices in self.shipping.items():
            if self.currency not in prices:
                raise ValueError(f"shipping.{brand} has no price in the market currency {self.currency}")
            if any(p < 0 for p in prices.values()):
                raise ValueError(f"shipping.{brand} has a negative price")
        return self

    @property
    def vat_country(self) -> str:
        """The country whose VAT law applies to deliveries here (LI uses Swiss VAT)."""
        return self.vat_rates_from or self.code

    def rate_at(self, category: str, at: datetime) -> Decimal:
        """The VAT rate (percent) of `category` ('standard', 'reduced') in force at `at` (aware, UTC)."""
        day = _utc_day(at)
        periods = [p for p in self.vat if p.effective_from <= day]
        if not periods:
            raise LookupError(f"no VAT rate for {self.code} on {day.isoformat()} (first period starts later)")
        rate = periods[-1].rate(category)
        if rate is None:
            raise LookupError(f"{self.code} has no {category!r} VAT rate on {day.isoformat()}")
        return rate

    def shipping_price(self, brand: str, currency: str) -> Decimal:
        """The B2C gross shipping price of `brand` to this market, in `currency`."""
        try:
            return self.shipping[brand][currency]
        except KeyError:
            raise LookupError(f"no {brand} shipping price to {self.code} in {currency}") from None


class Markets:
    """All markets by ISO country code; resolves `vat_rates_from` links."""

    def __init__(self, markets: list[Market], seller_country: str = "DE") -> None:
        own = {m.code: m for m in markets}
        if len(own) != len(markets):
            raise MarketError("a market code appears twice")
        self._markets: dict[str, Market] = {}
        for m in markets:
            if m.vat_rates_from:
                source = own.get(m.vat_rates_from)
                if source is None or not source.vat or source.vat_rates_from:
                    raise MarketError(
                        f"{m.code}.vat_rates_from: {m.vat_rates_from!r} is not a market with VAT rates"
                    )
                if m.vat:
                    raise MarketError(f"{m.code}: give either vat = [...] or vat_rates_from, not both")
                m = m.model_copy(update={"vat": source.vat})
            self._markets[m.code] = m
        self.seller_country = seller_country
        if seller_country not in self._markets:
            raise MarketError(f"seller_country {seller_country!r} is not a market")

    @property
    def codes(self) -> list[str]:
        return sorted(self._markets)

    def __contains__(self, code: object) -> bool:
        return code in self._markets

    def get(self, code: str) -> Market:
        try:
            return self._markets[code]
        except KeyError:
            raise KeyError(f"unknown market {code!r}; known: {', '.join(self.codes)}") from None

    def rate_at(self, code: str, category: str, at: datetime) -> Decimal:
        """The VAT rate (percent) of `category` in force in market `code` at `at` (UTC)."""
        return self.get(code).rate_at(category, at)


def _utc_day(at: datetime) -> date:
    if at.tzinfo is None:
        raise ValueError("pass an aware datetime (UTC); a naive one is ambiguous")
    return at.astimezone(UTC).date()


def load_markets(data_dir: Path | None = None) -> Markets:
    """Load and validate `data_dir/markets.toml` (default: profiles/data)."""
    path = (data_dir or DATA_DIR) / "markets.toml"
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise MarketError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise MarketError(f"{path}: not valid TOML: {exc}") from exc
    seller = data.pop("seller_country", "DE")
    markets = []
    for code, raw in data.items():
        if not isinstance(raw, dict):
            raise MarketError(f"{path}: {code}: expected a [{code}] table")
        try:
            markets.append(Market.model_validate({"code": code, **raw}))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(market)'}: {err['msg']}" for err in exc.errors()
            )
            raise MarketError(f"{path}: market {code}: {problems}") from exc
    if not markets:
        raise MarketError(f"{path}: no markets")
    try:
        return Markets(markets, seller_country=seller)
    except MarketError as exc:
        raise MarketError(f"{path}: {exc}") from exc
