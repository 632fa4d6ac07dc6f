"""POST /v1/quotes and the totals that orders carry: prices, VAT rules, CHF rounding, 422 per field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import order_body


@pytest.fixture
def upload_id(client, keys, photo):
    return client.post("/v1/uploads", data=photo.read_bytes(),
                       headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg"}).get_json()["id"]


def quote_body(*, product: str = "poster-50x70", quantity: int = 1, **overrides) -> dict:
    """What prices depend on, for the order of `order_body`."""
    body = {"market": "DE", "currency": "EUR", "language": "de", "customer": {"type": "b2c"},
            "shipping_country": "DE", "items": [{"product": product, "quantity": quantity}]}
    body.update(overrides)
    return body


def _sums_hold(quote: dict) -> None:
    lines = [*quote["lines"], quote["shipping"]]
    assert Decimal(quote["net"]) == sum(Decimal(line["net"]) for line in lines)
    assert Decimal(quote["gross"]) == Decimal(quote["net"]) + sum(Decimal(v["amount"]) for v in quote["vat"])
    assert Decimal(quote["payable"]) == Decimal(quote["gross"]) + Decimal(quote["rounding"])


def test_quote_for_a_german_consumer(client, keys, upload_id):
    response = client.post("/v1/quotes", json=quote_body(), headers=keys["myposter", "shop"])
    assert response.status_code == 200
    quote = response.get_json()
    assert quote["currency"] == "EUR" and quote["reverse_charge"] is False
    assert [v["rate"] for v in quote["vat"]] == ["19"]
    _sums_hold(quote)


def test_swiss_order_in_chf_rounds_payable_to_five_rappen(client, keys):
    body = quote_body(market="CH", currency="CHF", shipping_country="CH")
    quote = client.post("/v1/quotes", json=body, headers=keys["myposter", "shop"]).get_json()
    assert quote["currency"] == "CHF" and [v["rate"] for v in quote["vat"]] == ["8.1"]
    assert Decimal(quote["payable"]) % Decimal("0.05") == 0
    _sums_hold(quote)


def test_wrong_currency_and_bad_vat_id_are_422_naming_the_field(client, keys, upload_id):
    headers = keys["myposter", "shop"]
    wrong = client.post("/v1/quotes", json=quote_body(currency="CHF"), headers=headers)
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "currency"
    b2b = order_body(upload_id, market="FR", language="fr",
                     customer={"type": "b2b", "email": "a@b.fr", "company": "SARL X", "vat_id": "FR00000000000"},
                     shipping_address={"name": "X", "street": "1 rue", "postal_code": "75001", "city": "Paris",
                                       "country": "FR"})
    invalid = client.post("/v1/orders", json=b2b, headers=headers)
    assert invalid.status_code == 422
    assert invalid.get_json()["errors"][0]["field"] == "customer.vat_id"


def test_orders_keep_the_price_they_were_sold_at(client, keys, upload_id):
    order = client.post("/v1/orders", json=order_body(upload_id), headers=keys["myposter", "shop"]).get_json()
    quote = client.post("/v1/quotes", json=quote_body(), headers=keys["myposter", "shop"]).get_json()
    item = order["items"][0]
    line = quote["lines"][0]
    assert Decimal(item["unit_price"]) == Decimal(line["unit_price"])
    assert Decimal(item["vat_rate"]) == Decimal(line["vat_rate"]) and Decimal(item["gross"]) == Decimal(line["gross"])
    assert order["totals"]["payable"] == quote["payable"]


def test_quotes_take_only_what_prices_depend_on(client, keys, upload_id):
    headers = keys["myposter", "shop"]
    for extra in ({"external_id": "MP-1"}, {"shipping_address": {"country": "DE"}}):
        response = client.post("/v1/quotes", json={**quote_body(), **extra}, headers=headers)
        assert response.status_code == 422
        assert response.get_json()["errors"][0]["field"] == next(iter(extra))
    with_image = quote_body(items=[{"product": "poster-50x70", "image": {"upload_id": upload_id}}])
    assert client.post("/v1/quotes", json=with_image, headers=headers).get_json()["errors"][0]["field"] == \
        "items[0].image"


def test_b2b_quote_with_a_vat_id_and_an_unknown_country(client, keys):
    headers = keys["myposter", "shop"]
    bad_id = quote_body(market="FR", currency="EUR", language="fr", shipping_country="FR",
                        customer={"type": "b2b", "vat_id": "FR00000000000", "company": "SARL X"})
    response = client.post("/v1/quotes", json=bad_id, headers=headers)
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "customer.vat_id"
    nowhere = client.post("/v1/quotes", json=quote_body(shipping_country="ZZ"), headers=headers)
    assert nowhere.status_code == 422 and nowhere.get_json()["errors"][0]["field"] == "shipping_country"
