"""quote(): every market as B2C and B2B (valid and invalid VAT ID), both currencies, rounding, errors."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest

from orders.errors import OrderRejected
from orders.pricing import Basis, quote
from vocab.spec import ItemSpec, OrderSpec
from orders.vat import Scheme
from profiles.catalogue import load_catalogue
from profiles.markets import load_markets
from profiles.prices import load_prices
from tests.orders.examples import STANDARD_RATE, VALID_VAT_ID

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
RATE = STANDARD_RATE
VALID_ID = VALID_VAT_ID
INVALID_ID = {
    "DE": "DE136695977",
    "AT": "ATU13585628",
    "FR": "FR40303265046",
    "IT": "IT00743110158",
    "ES": "ESA28015866",
    "NL": "NL004495446B01",
    "BE": "BE0403019262",
    "LU": "LU15027443",
    "CH": "CHE-116.281.711 MWST",
    "LI": "CHE-116.281.711",
}
LANGUAGE = {
    "DE": "de",
    "AT": "de",
    "CH": "fr",
    "LI": "de",
    "FR": "fr",
    "IT": "it",
    "ES": "es",
    "NL": "nl",
    "BE": "fr",
    "LU": "de",
}
CENT = D("0.01")
AMOUNT = re.compile(r"^-?\d+\.\d{2}$")


def cents(x: D) -> D:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def env():
    catalogue = load_catalogue()
    return {"catalogue": catalogue, "markets": load_markets(), "prices": load_prices(catalogue=catalogue)}


def order(
    market: str,
    *,
    customer: dict | None = None,
    items: list | None = None,
    currency: str | None = None,
    language: str | None = None,
    country: str | None = None,
) -> OrderSpec:
    return OrderSpec.model_validate(
        {
            "external_id": "shop-1",
            "market": market,
            "language": language or LANGUAGE.get(market, "en"),
            "currency": currency or ("CHF" if market in {"CH", "LI"} else "EUR"),
            "customer": customer or {"type": "b2c"},
            "shipping_address": {
                "name": "A. Kunde",
                "street": "Weg 1",
                "postal_code": "1000",
                "city": "Ort",
                "country": country or market,
            },
            "items": items or [{"product": "poster-20x30", "quantity": 3}, {"product": "canvas-40x30"}],
        }
    )


def run(env, spec: OrderSpec, brand: str = "myposter", at: datetime = NOW):
    return quote(spec, brand, at=at, **env)


def assert_consistent(q) -> None:
    every = q.all_lines()
    for line in every:
        assert line.net + line.vat == line.gross
    assert q.net == sum(line.net for line in every)
    assert q.gross == sum(line.gross for line in every)
    assert sum(g.amount for g in q.vat) == sum(line.vat for line in every)
    assert sum(g.base for g in q.vat) == q.net
    assert q.net + sum(g.amount for g in q.vat) == q.gross
    assert q.gross + q.rounding == q.payable


@pytest.mark.parametrize("market", sorted(RATE))
def test_b2c_every_market(env, market):
    q = run(env, order(market))
    currency = "CHF" if market in {"CH", "LI"} else "EUR"
    rate = D(RATE[market])
    assert q.currency == currency and not q.reverse_charge and q.vat_note is None
    prices = env["prices"]
    for line, (product, qty) in zip(q.lines, [("poster-20x30", 3), ("canvas-40x30", 1)], strict=True):
        unit = prices.get("myposter", product).price[currency]
        assert line.basis is Basis.gross and line.unit_price == unit and line.quantity == qty
        assert line.gross == unit * qty
        assert line.vat_rate == rate
        assert line.vat == cents(unit * qty * rate / (100 + rate))
    assert q.shipping.gross == env["markets"].get(market).shipping["myposter"][currency]
    assert [g.rate for g in q.vat] == [rate]
    if currency == "CHF":
        assert q.payable % D("0.05") == 0 and abs(q.rounding) <= D("0.025")
    else:
        assert q.rounding == 0
    assert_consistent(q)


@pytest.mark.parametrize("market", sorted(RATE))
def test_b2b_valid_vat_id_every_market(env, market):
    spec = order(market, customer={"type": "b2b", "company": "Firma AG", "vat_id": VALID_ID[market]})
    q = run(env, spec)
    currency = "CHF" if market in {"CH", "LI"} else "EUR"
    home = D("8.1") if currency == "CHF" else D("19")
    reverse = market not in {"DE", "CH", "LI"}
    expected_rate = D(0) if reverse else (D("8.1") if currency == "CHF" else D("19"))
    assert q.reverse_charge is reverse
    assert q.company == "Firma AG" and q.vat_id
    poster = q.lines[0]
    list_price = env["prices"].get("myposter", "poster-20x30").price[currency]
    assert poster.basis is Basis.net
    assert poster.unit_price == cents(list_price * 100 / (100 + home))
    assert poster.net == poster.unit_price * 3
    assert poster.vat_rate == expected_rate
    assert poster.vat == cents(poster.net * expected_rate / 100)
    if reverse:
        assert q.vat_scheme is Scheme.reverse_charge
        assert all(line.vat == 0 for line in q.all_lines()) and q.gross == q.net
        assert q.vat_note and (
            "Reverse" in q.vat_note
            or "Autoliquidation" in q.vat_note
            or "Inversione" in q.vat_note
            or "Inversión" in q.vat_note
            or "verlegd" in q.vat_note
            or "Steuerschuldnerschaft" in q.vat_note
        )
    else:
        assert q.vat_note is None
    assert_consistent(q)


@pytest.mark.parametrize("market", sorted(RATE))
def test_b2b_invalid_vat_id_every_market(env, market):
    spec = order(market, customer={"type": "b2b", "company": "Firma AG", "vat_id": INVALID_ID[market]})
    with pytest.raises(OrderRejected) as info:
        run(env, spec)
    assert info.value.field == "customer.vat_id"


def test_b2b_needs_company(env):
    with pytest.raises(OrderRejected) as info:
        run(env, order("AT", customer={"type": "b2b", "vat_id": VALID_ID["AT"]}))
    assert info.value.field == "customer.company"


def test_b2b_listed_net_price_is_used(env):
    q = run(env, order("DE", customer={"type": "b2b", "company": "X", "vat_id": VALID_ID["DE"]}))
    assert q.lines[1].unit_price == env["prices"].get("myposter", "canvas-40x30").b2b_net["EUR"]


def test_reverse_charge_note_in_the_order_language(env):
    spec = order("BE", language="nl", customer={"type": "b2b", "company": "NV", "vat_id": VALID_ID["BE"]})
    assert "Btw verlegd" in run(env, spec).vat_note
    spec = order("AT", language="de", customer={"type": "b2b", "company": "GmbH", "vat_id": VALID_ID["AT"]})
    assert "Steuerschuldnerschaft des Leistungsempfängers" in run(env, spec).vat_note


def test_oss_follows_the_delivery_country(env):
    q = run(env, order("DE", language="de", country="AT"))
    assert q.vat_country == "AT" and q.lines[0].vat_rate == D("20")


def test_historic_rates_at_order_time(env):
    assert run(env, order("LU"), at=datetime(2023, 6, 1, tzinfo=UTC)).lines[0].vat_rate == D("16")
    assert run(env, order("CH"), at=datetime(2023, 6, 1, tzinfo=UTC)).lines[0].vat_rate == D("7.7")
    assert run(env, order("DE"), at=datetime(2020, 9, 1, tzinfo=UTC)).lines[0].vat_rate == D("16")


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"currency": "CHF"}, "currency", "wrong-currency"),
        ({"language": "it"}, "language", "unknown-language"),
        ({"country": "US"}, "shipping_address.country", "no-delivery"),
        ({"country": "CH"}, "shipping_address.country", "destination-currency"),
        ({"items": [{"product": "card-a6-flat"}]}, "items[0].product", "foreign-product"),
        ({"items": [{"product": "poster-20x30"}, {"product": "poster-1x1"}]}, "items[1].product",
         "product-not-sold"),
    ],
)
def test_rejections_name_the_field(env, kwargs, field, code):
    """Each names its field, and a code with the values the API needs to say it in another language."""
    with pytest.raises(OrderRejected) as info:
        run(env, order("DE", **kwargs))
    assert info.value.field == field
    assert info.value.message and info.value.code == code


def test_a_refusal_carries_the_values_of_its_sentence(env):
    with pytest.raises(OrderRejected) as info:
        run(env, order("DE", items=[{"product": "card-a6-flat"}]))
    assert info.value.values == {"product": "card-a6-flat", "owner": "kartenliebe", "brand": "myposter"}
    with pytest.raises(OrderRejected) as info:
        run(env, order("DE", items=[{"product": "poster-1x1"}]))
    sold = info.value.values["products"]
    assert "poster-50x70" in sold.split(", ") and info.value.message.endswith(f"myposter sells {sold}")


def test_unknown_market(env):
    with pytest.raises(OrderRejected) as info:
        run(env, order("US", currency="USD", language="en"))
    assert info.value.field == "market"


def test_eur_order_in_swiss_market_is_rejected(env):
    with pytest.raises(OrderRejected, match="CHF") as info:
        run(env, order("LI", currency="EUR"))
    assert info.value.field == "currency"


def test_a_product_without_a_price_cannot_be_ordered(env):
    """A product the catalogue has but the price list does not (yet), or not in the order's currency."""
    from profiles.prices import PriceList

    listed = env["prices"].for_brand("myposter") + env["prices"].for_brand("kartenliebe")
    unpriced = PriceList([p for p in listed if p.product != "poster-20x30"])
    with pytest.raises(OrderRejected) as info:
        run({**env, "prices": unpriced}, order("DE"))
    assert (info.value.field, info.value.code, info.value.values) == (
        "items[0].product", "product-unpriced", {"product": "poster-20x30"})
    euro_less = PriceList([p.model_copy(update={"price": {"CHF": p.price["CHF"]}})
                           if p.product == "poster-20x30" else p for p in listed])
    with pytest.raises(OrderRejected) as info:
        run({**env, "prices": euro_less}, order("DE"))
    assert (info.value.code, info.value.values) == ("no-price-in-currency",
                                                    {"product": "poster-20x30", "currency": "EUR"})


class OptionItem(ItemSpec):
    """An item with price options, as the lead's ItemSpec will carry them."""

    options: dict[str, str] = {}


def test_frame_depth_surcharge(env):
    spec = order("DE", items=[{"product": "canvas-40x30"}])
    deep = spec.model_copy(
        update={"items": [OptionItem(product="canvas-40x30", quantity=2, options={"frame_depth_mm": "40"})]}
    )
    base, extra = run(env, spec), run(env, deep)
    surcharge = env["prices"].get("myposter", "canvas-40x30").options["frame_depth_mm"].surcharge["40"]["EUR"]
    assert extra.lines[0].unit_price == base.lines[0].unit_price + surcharge
    assert extra.lines[0].gross == 2 * (base.lines[0].unit_price + surcharge)
    assert extra.lines[0].options == {"frame_depth_mm": "40"}


@pytest.mark.parametrize(
    ("product", "options", "field", "code"),
    [
        ("canvas-40x30", {"frame_depth_mm": "30"}, "items[0].options.frame_depth_mm",
         "unknown-option-choice"),
        ("poster-20x30", {"frame_depth_mm": "40"}, "items[0].options.frame_depth_mm", "no-options"),
        ("canvas-40x30", {"colour": "red"}, "items[0].options.colour", "unknown-option"),
    ],
)
def test_bad_options(env, product, options, field, code):
    spec = order("DE").model_copy(update={"items": [OptionItem(product=product, options=options)]})
    with pytest.raises(OrderRejected) as info:
        run(env, spec)
    assert (info.value.field, info.value.code) == (field, code)
    assert info.value.values["option"] == next(iter(options))


def test_kartenliebe_in_chf(env):
    q = run(env, order("CH", items=[{"product": "card-a6-folded", "quantity": 7}]), brand="kartenliebe")
    assert q.lines[0].gross == 7 * env["prices"].get("kartenliebe", "card-a6-folded").price["CHF"]
    assert q.shipping.gross == env["markets"].get("CH").shipping["kartenliebe"]["CHF"]
    assert_consistent(q)


def test_json_shape_and_decimal_strings(env):
    data = run(env, order("CH")).model_dump(mode="json")
    for key in [
        "currency",
        "lines",
        "shipping",
        "net",
        "vat",
        "gross",
        "rounding",
        "payable",
        "reverse_charge",
    ]:
        assert key in data
    line_keys = {"product", "quantity", "unit_price", "net", "vat_rate", "vat", "gross"}
    assert line_keys <= set(data["lines"][0]) and line_keys <= set(data["shipping"])
    for line in [*data["lines"], data["shipping"]]:
        for key in ["unit_price", "net", "vat", "gross"]:
            assert isinstance(line[key], str) and AMOUNT.match(line[key]), line[key]
        assert line["vat_rate"] == "8.1"
    for key in ["net", "gross", "rounding", "payable"]:
        assert AMOUNT.match(data[key])
    assert set(data["vat"][0]) == {"rate", "base", "amount"}
    assert data["reverse_charge"] is False


def test_naive_time_is_refused(env):
    with pytest.raises(ValueError, match="aware"):
        run(env, order("DE"), at=datetime(2026, 1, 1))
