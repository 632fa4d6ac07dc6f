"""What an order costs: `quote()` turns an OrderSpec into a `Quote` (lines, shipping, VAT, totals).

Pure: catalogue, markets and prices come in, a pydantic `Quote` goes out; bad input raises
`OrderRejected(field, message, code=..., **values)`: the English message for logs, a stable code
and its values so the API can say it in the caller's language. Amounts are Decimal, serialised as
decimal strings.

Decisions (documented for the lead and the shops):
* B2C prices are gross list prices (VAT included): a line's gross is unit price x quantity, its
  VAT is taken out of the gross (half-up to the cent), net = gross - VAT.
* B2B is invoiced net plus VAT: the net unit price is the price list's `b2b_net` where given,
  else the gross list price (and each option surcharge) divided by 1 + the seller's home rate of
  that currency at order time (EUR: German standard rate, CHF: Swiss standard rate), half-up to
  the cent. VAT = net x rate, half-up, per line. So a B2B net price does not depend on the
  customer's country, and reverse charge simply drops the VAT.
* Shipping is priced like a line (product "shipping", quantity 1) at the highest rate among the
  order's lines (shipping follows the goods; all current products are standard-rated).
* VAT per rate: base = sum of the line nets, amount = sum of the line VATs at that rate, so the
  totals always equal the sum of their parts. `rounding` takes the gross to `payable`
  (CHF: nearest 0.05 half-up; EUR: 0.00). VAT stays to the cent.
* The VAT country follows the delivery address (OSS); it must be a market with the order's
  currency. Rates are those in force at `at` (UTC).
* Item options (e.g. ``{"frame_depth_mm": "40"}``) are read from an `options` mapping on the
  item when the ItemSpec has one; unknown names/choices are rejected.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, NoReturn

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from orders import money
from orders.errors import OrderRejected
from orders.locales import text
from vocab.spec import CustomerType, ItemSpec, OrderSpec
from orders.vat import Scheme, VatDecision, decide
from profiles.catalogue import Catalogue
from profiles.markets import Market, Markets
from profiles.prices import PriceList, ProductPrice


def _plain(value: Decimal) -> str:
    return format(value, "f")


def _rate_str(value: Decimal) -> str:
    """19 -> "19", 8.10 -> "8.1", 0 -> "0" (no exponent)."""
    text_ = format(value.normalize(), "f")
    return text_ if text_ not in {"-0", ""} else "0"


Amount = Annotated[Decimal, PlainSerializer(_plain, return_type=str, when_used="json")]
Rate = Annotated[Decimal, PlainSerializer(_rate_str, return_type=str, when_used="json")]


class Basis(StrEnum):
    gross = "gross"  # unit_price includes VAT (B2C)
    net = "net"  # unit_price excludes VAT (B2B)


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class QuoteLine(_Out):
    """One priced line; keeps price, rate and basis so a stored order never needs re-pricing."""

    product: str
    quantity: int
    unit_price: Amount
    net: Amount
    vat_rate: Rate = Field(description="Percent, e.g. '19' or '8.1'.")
    vat: Amount
    gross: Amount
    basis: Basis
    vat_category: str = "standard"
    options: dict[str, str] = Field(default_factory=dict)


class VatGroup(_Out):
    rate: Rate
    base: Amount
    amount: Amount


class Quote(_Out):
    """What an order costs, in the order's currency (the shape of `POST /v1/quotes`)."""

    currency: str
    lines: list[QuoteLine]
    shipping: QuoteLine
    net: Amount
    vat: list[VatGroup]
    gross: Amount
    rounding: Amount
    payable: Amount
    reverse_charge: bool
    vat_note: str | None = Field(None, description="Legal note for the documents, in the order's language.")
    vat_scheme: Scheme
    vat_country: str = Field(description="Whose VAT rates apply (LI orders: CH).")
    customer_type: CustomerType
    company: str | None = None
    vat_id: str | None = Field(None, description="Normalised, validated VAT ID of a B2B customer.")
    market: str
    language: str
    seller_country: str
    priced_at: datetime

    def all_lines(self) -> list[QuoteLine]:
        return [*self.lines, self.shipping]


def check_market(order: OrderSpec, markets: Markets) -> Market:
    """The order's market, its currency and language, or OrderRejected naming the field."""
    if order.market not in markets:
        raise OrderRejected(
            "market", f"we do not sell in market {order.market!r}; use one of {', '.join(markets.codes)}",
            code="unknown-market", market=order.market, markets=", ".join(markets.codes),
        )
    market = markets.get(order.market)
    if order.currency != market.currency:
        raise OrderRejected(
            "currency",
            f"market {market.code} is priced in {market.currency}, not "
            f"{order.currency}; send currency {market.currency!r}",
            code="wrong-currency", market=market.code, currency=order.currency, expected=market.currency,
        )
    if order.language not in market.languages:
        raise OrderRejected(
            "language",
            f"language {order.language!r} is not offered in market {market.code}; "
            f"use one of {', '.join(market.languages)}",
            code="unknown-language", language=order.language, market=market.code,
            languages=", ".join(market.languages),
        )
    return market


def check_destination(order: OrderSpec, market: Market, markets: Markets) -> Market:
    """The delivery country's market (its VAT applies); same currency as the order."""
    country = order.shipping_address.country
    if country not in markets:
        raise OrderRejected(
            "shipping_address.country",
            f"we do not deliver to {country!r}; deliverable countries: {', '.join(markets.codes)}",
            code="no-delivery", country=country, countries=", ".join(markets.codes),
        )
    destination = markets.get(country)
    if destination.currency != market.currency:
        raise OrderRejected(
            "shipping_address.country",
            f"orders to {country} are priced in "
            f"{destination.currency}; place them in a {destination.currency} market",
            code="destination-currency", country=country, currency=destination.currency,
        )
    return destination


def check_customer(order: OrderSpec, destination: Market, markets: Markets) -> VatDecision:
    """The VAT decision; a B2B order needs a company and a valid VAT ID."""
    customer = order.customer
    if customer.type is CustomerType.b2b and not (customer.company and customer.company.strip()):
        raise OrderRejected("customer.company", "a business (b2b) order needs the company name",
                            code="company-missing")
    return decide(customer.type.value, destination, markets, customer.vat_id)


def item_options(item: ItemSpec) -> dict[str, str]:
    """The item's price options as strings (empty when the spec has none)."""
    raw = getattr(item, "options", None) or {}
    if not isinstance(raw, Mapping):
        raw = dict(raw)
    return {str(k): str(v) for k, v in raw.items()}


def _product_price(
    item: ItemSpec, index: int, brand: str, catalogue: Catalogue, prices: PriceList
) -> ProductPrice:
    field = f"items[{index}].product"
    if item.product not in catalogue.products:
        sold = ", ".join(p.id for p in catalogue.for_brand(brand))
        raise OrderRejected(field, f"unknown product {item.product!r}; {brand} sells {sold}",
                            code="product-not-sold", product=item.product, brand=brand, products=sold)
    product = catalogue.get(item.product)
    if product.brand != brand:
        raise OrderRejected(field, f"product {item.product!r} belongs to brand {product.brand}, not {brand}",
                            code="foreign-product", product=item.product, owner=product.brand, brand=brand)
    if (brand, item.product) not in prices:
        raise OrderRejected(field, f"product {item.product!r} has no price yet; it cannot be ordered",
                            code="product-unpriced", product=item.product)
    return prices.get(brand, item.product)


def _unit_amounts(
    item: ItemSpec, index: int, price: ProductPrice, currency: str
) -> tuple[Decimal, list[Decimal], dict[str, str]]:
    """The gross list unit price, the gross surcharges of the chosen options, and the options."""
    if currency not in price.price:
        raise OrderRejected(f"items[{index}].product", f"{price.product!r} has no price in {currency}",
                            code="no-price-in-currency", product=price.product, currency=currency)
    chosen = item_options(item)
    surcharges: list[Decimal] = []
    for name, choice in chosen.items():
        field = f"items[{index}].options.{name}"
        option = price.options.get(name)
        if option is None:
            _no_option(field, price, name)
        if choice not in option.choices:
            choices = ", ".join(option.choices)
            raise OrderRejected(field, f"{choice!r} is not a choice of {name}; choose one of {choices}",
                                code="unknown-option-choice", choice=choice, option=name, choices=choices)
        surcharges.append(option.surcharge_for(choice, currency))
    return price.price[currency], surcharges, chosen


def _no_option(field: str, price: ProductPrice, name: str) -> NoReturn:
    """An option the product's price list does not name; a product without options says so plainly."""
    offered = ", ".join(price.options)
    message = f"{price.product!r} has no option {name!r} (options: {offered or 'none'})"
    if not offered:
        raise OrderRejected(field, message, code="no-options", product=price.product, option=name)
    raise OrderRejected(field, message, code="unknown-option", product=price.product, option=name,
                        options=offered)


def home_rate(currency: str, category: str, markets: Markets, at: datetime) -> Decimal:
    """The rate a B2B net price is derived at: the seller's own (EUR) or Swiss (CHF) rate."""
    country = "CH" if currency == "CHF" else markets.seller_country
    return markets.rate_at(country, category, at)


def b2c_line(product: str, quantity: int, unit_gross: Decimal, rate: Decimal, **extra) -> QuoteLine:
    """A gross-basis line: VAT taken out of unit x quantity."""
    gross = money.round_cent(unit_gross * quantity)
    vat = money.vat_from_gross(gross, rate)
    return QuoteLine(
        product=product,
        quantity=quantity,
        unit_price=money.round_cent(unit_gross),
        net=gross - vat,
        vat_rate=rate,
        vat=vat,
        gross=gross,
        basis=Basis.gross,
        **extra,
    )


def b2b_line(product: str, quantity: int, unit_net: Decimal, rate: Decimal, **extra) -> QuoteLine:
    """A net-basis line: VAT added on unit x quantity."""
    net = money.round_cent(unit_net * quantity)
    vat = money.vat_on_net(net, rate)
    return QuoteLine(
        product=product,
        quantity=quantity,
        unit_price=money.round_cent(unit_net),
        net=net,
        vat_rate=rate,
        vat=vat,
        gross=net + vat,
        basis=Basis.net,
        **extra,
    )


def vat_groups(lines: list[QuoteLine]) -> list[VatGroup]:
    """VAT per rate, highest rate first: base and amount are sums of the lines'."""
    groups: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for line in lines:
        base, amount = groups.get(line.vat_rate, (money.ZERO, money.ZERO))
        groups[line.vat_rate] = (base + line.net, amount + line.vat)
    return [VatGroup(rate=r, base=b, amount=a) for r, (b, a) in sorted(groups.items(), reverse=True)]


def quote(
    order: OrderSpec, brand: str, *, catalogue: Catalogue, markets: Markets, prices: PriceList, at: datetime
) -> Quote:
    """Price `order` for `brand` at time `at` (aware, UTC); raises OrderRejected on bad input."""
    if at.tzinfo is None:
        raise ValueError("quote() needs an aware datetime (UTC)")
    market = check_market(order, markets)
    destination = check_destination(order, market, markets)
    decision = check_customer(order, destination, markets)
    currency = market.currency
    b2b = order.customer.type is CustomerType.b2b

    lines: list[QuoteLine] = []
    for index, item in enumerate(order.items):
        price = _product_price(item, index, brand, catalogue, prices)
        unit_gross, surcharges, chosen = _unit_amounts(item, index, price, currency)
        rate = decision.rate(markets, price.vat_category, at)
        extra = {"vat_category": price.vat_category, "options": chosen}
        if b2b:
            home = home_rate(currency, price.vat_category, markets, at)
            listed = price.b2b_net.get(currency)
            base_net = listed if listed is not None else money.net_from_gross(unit_gross, home)
            unit_net = base_net + sum((money.net_from_gross(s, home) for s in surcharges), money.ZERO)
            lines.append(b2b_line(item.product, item.quantity, unit_net, rate, **extra))
        else:
            unit = unit_gross + sum(surcharges, money.ZERO)
            lines.append(b2c_line(item.product, item.quantity, unit, rate, **extra))

    try:
        shipping_gross = destination.shipping_price(brand, currency)
    except LookupError as exc:
        raise OrderRejected("shipping_address.country", f"{brand} does not ship to {destination.code}",
                            code="no-shipping", brand=brand, country=destination.code) from exc
    shipping_rate = max(line.vat_rate for line in lines)
    if b2b:
        shipping_net = money.net_from_gross(shipping_gross, home_rate(currency, "standard", markets, at))
        shipping = b2b_line("shipping", 1, shipping_net, shipping_rate)
    else:
        shipping = b2c_line("shipping", 1, shipping_gross, shipping_rate)

    note = text("reverse_charge", order.language, destination.code) if decision.reverse_charge else None
    return Quote(
        currency=currency,
        lines=lines,
        shipping=shipping,
        **_totals(currency, [*lines, shipping]),
        reverse_charge=decision.reverse_charge,
        vat_note=note,
        vat_scheme=decision.scheme,
        vat_country=decision.country,
        customer_type=order.customer.type,
        company=order.customer.company if b2b else None,
        vat_id=decision.vat_id,
        market=market.code,
        language=order.language,
        seller_country=markets.seller_country,
        priced_at=at,
    )


def _totals(currency: str, every: list[QuoteLine]) -> dict[str, Any]:
    """Net, VAT per rate, gross, cash rounding and payable of priced lines (shipping included)."""
    net = sum((line.net for line in every), money.ZERO)
    gross = net + sum((line.vat for line in every), money.ZERO)
    payable = money.payable(currency, gross)
    return {"net": net, "vat": vat_groups(every), "gross": gross, "rounding": payable - gross,
            "payable": payable}


def without_lines(priced: Quote, cancelled: set[int]) -> Quote:
    """The order's quote with the cancelled lines (by position) taken out, totalled by the same code
    as `quote`: each kept line at the price it was sold at, shipping at the highest rate left (as at
    intake), and nothing at all, shipping included, once every line is cancelled."""
    kept = [line for index, line in enumerate(priced.lines) if index not in cancelled]
    if not kept:
        zero = priced.shipping.model_copy(update={"quantity": 0, "net": money.ZERO, "vat": money.ZERO,
                                                  "gross": money.ZERO})
        return priced.model_copy(update={"lines": [], "shipping": zero, **_totals(priced.currency, [])})
    rate = max(line.vat_rate for line in kept)
    ship = priced.shipping
    if ship.vat_rate != rate:
        if ship.basis is Basis.net:
            ship = b2b_line("shipping", 1, ship.unit_price, rate)
        else:
            ship = b2c_line("shipping", 1, ship.unit_price, rate)
    return priced.model_copy(update={"lines": kept, "shipping": ship,
                                     **_totals(priced.currency, [*kept, ship])})
