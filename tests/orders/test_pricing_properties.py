"""Property tests: for any prices, quantities, market and customer type, totals are sums of parts."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from orders.pricing import quote
from vocab.spec import OrderSpec
from profiles.catalogue import load_catalogue
from profiles.markets import load_markets
from profiles.prices import PriceList, ProductPrice
from tests.orders.examples import VALID_VAT_ID

CATALOGUE = load_catalogue()
MARKETS = load_markets()
VALID_ID = VALID_VAT_ID

amounts = st.integers(min_value=1, max_value=500_000).map(lambda c: D(c) / 100)


@st.composite
def cases(draw):
    brand = draw(st.sampled_from(CATALOGUE.brands))
    products = CATALOGUE.for_brand(brand)
    prices = PriceList(
        [
            ProductPrice(
                product=p.id,
                brand=brand,
                price={"EUR": draw(amounts), "CHF": draw(amounts)},
                b2b_net=draw(st.one_of(st.just({}), st.fixed_dictionaries({"EUR": amounts, "CHF": amounts}))),
                vat_category=draw(st.sampled_from(["standard", "reduced"])),
            )
            for p in products
        ]
    )
    market = draw(st.sampled_from(MARKETS.codes))
    b2b = draw(st.booleans())
    items = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "product": st.sampled_from([p.id for p in products]),
                    "quantity": st.integers(min_value=1, max_value=250),
                }
            ),
            min_size=1,
            max_size=8,
        )
    )
    at = draw(
        st.datetimes(min_value=datetime(2012, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC))
    )
    spec = OrderSpec.model_validate(
        {
            "external_id": "p",
            "market": market,
            "language": "en",
            "currency": MARKETS.get(market).currency,
            "customer": {"type": "b2b", "company": "C", "vat_id": VALID_ID[market]}
            if b2b
            else {"type": "b2c"},
            "shipping_address": {
                "name": "N",
                "street": "S",
                "postal_code": "1",
                "city": "C",
                "country": market,
            },
            "items": items,
        }
    )
    return brand, prices, spec, at


@settings(max_examples=300, deadline=None)
@given(cases())
def test_totals_are_the_sum_of_their_parts(case):
    brand, prices, spec, at = case
    q = quote(spec, brand, catalogue=CATALOGUE, markets=MARKETS, prices=prices, at=at)
    every = q.all_lines()
    cent = D("0.01")
    for line in every:
        assert line.net + line.vat == line.gross
        for amount in (line.unit_price, line.net, line.vat, line.gross):
            assert amount == amount.quantize(cent)
        basis = line.gross if line.basis.value == "gross" else line.net
        assert basis == line.unit_price * line.quantity
    assert q.net == sum(line.net for line in every)
    assert q.gross == sum(line.gross for line in every)
    for group in q.vat:
        at_rate = [line for line in every if line.vat_rate == group.rate]
        assert group.base == sum(line.net for line in at_rate)
        assert group.amount == sum(line.vat for line in at_rate)
    assert q.net + sum(g.amount for g in q.vat) == q.gross
    assert q.gross + q.rounding == q.payable
    if q.currency == "CHF":
        assert q.payable % D("0.05") == 0 and abs(q.rounding) <= D("0.025")
    else:
        assert q.rounding == 0
    if q.reverse_charge:
        assert all(line.vat == 0 for line in every)
    # Shipping follows the goods: taxed at the highest rate among the lines.
    assert q.shipping.vat_rate == max(line.vat_rate for line in q.lines)
    assert len(q.vat) == len({line.vat_rate for line in every})
    # The VAT of each line is within half a cent of the exact VAT of its basis.
    for line in every:
        exact = (
            line.net * line.vat_rate / 100
            if line.basis.value == "net"
            else line.gross * line.vat_rate / (100 + line.vat_rate)
        )
        assert abs(line.vat - exact) <= D("0.005")
