"""`api.products`: the brand's own catalogue for a shop's editor — sizes, bleed, safe zone, pages with
slots and text areas, the resolution limits, and the price in each market (with option surcharges)."""

from __future__ import annotations

from decimal import Decimal

from profiles.markets import load_markets
from profiles.prices import load_prices


def test_catalogue_is_the_brands_own(client, keys):
    mine = client.get("/v1/products", headers=keys["myposter", "shop"]).get_json()["products"]
    ids = {p["id"] for p in mine}
    assert "poster-50x70" in ids and "card-a6-flat" not in ids
    poster = client.get("/v1/products/poster-50x70", headers=keys["myposter", "shop"]).get_json()
    assert poster["bleed_mm"] > 0 and poster["safe_mm"] > 0 and poster["min_ppi"] > 0
    assert poster["pages"][0]["slots"] and {p["market"] for p in poster["prices"]} >= {"DE", "CH"}
    other = client.get("/v1/products/poster-50x70", headers=keys["kartenliebe", "shop"])
    assert other.status_code == 404 and other.get_json()["code"] == "product-not-found"
    card = client.get("/v1/products/card-a6-folded", headers=keys["kartenliebe", "shop"]).get_json()
    assert any(page["text_areas"] for page in card["pages"])
    area = next(a for page in card["pages"] for a in page["text_areas"])
    assert {"fonts", "min_size_pt", "max_size_pt", "max_lines"} <= set(area)


def test_the_list_is_sorted_and_says_what_the_catalogue_says(client, keys, services):
    listed = client.get("/v1/products", headers=keys["myposter", "qa"]).get_json()["products"]
    assert [p["id"] for p in listed] == sorted(p.id for p in services.catalogue.for_brand("myposter"))
    poster = next(p for p in listed if p["id"] == "poster-50x70")
    product = services.catalogue.get("poster-50x70")
    assert (poster["width_mm"], poster["height_mm"]) == product.trim_mm()
    assert (poster["min_ppi"], poster["warn_ppi"], poster["target_ppi"]) == (
        product.preflight.fail_ppi, product.preflight.warn_ppi, product.preflight.target_ppi)
    assert poster["kind"] == product.kind.value and poster["canvas_frame_depth_mm"] is None


def test_each_market_is_priced_in_its_currency(client, keys, services):
    markets = load_markets(services.settings.catalogue_dir)
    price = load_prices(services.settings.catalogue_dir, services.catalogue).get("myposter", "poster-50x70")
    poster = client.get("/v1/products/poster-50x70", headers=keys["myposter", "shop"]).get_json()
    by_market = {p["market"]: p for p in poster["prices"]}
    assert set(by_market) == {code for code in markets.codes if markets.get(code).currency in price.price}
    for code, entry in by_market.items():
        currency = markets.get(code).currency
        assert entry["currency"] == currency and Decimal(entry["gross"]) == price.price[currency]
    assert by_market["CH"]["currency"] == "CHF" and by_market["DE"]["currency"] == "EUR"


def test_a_canvas_lists_its_options_with_surcharges(client, keys, services):
    canvas = client.get("/v1/products/canvas-40x30", headers=keys["myposter", "shop"]).get_json()
    price = load_prices(services.settings.catalogue_dir, services.catalogue).get("myposter", "canvas-40x30")
    assert canvas["canvas_frame_depth_mm"] > 0
    assert set(canvas["options"]) == set(price.options)
    for name, option in canvas["options"].items():
        assert option["default"] == price.options[name].default and option["choices"][0] == option["default"]
        for choice, amounts in option["surcharge"].items():
            assert {c: Decimal(v) for c, v in amounts.items()} == price.options[name].surcharge[choice]


def test_an_unknown_product_is_404_naming_it(client, keys):
    missing = client.get("/v1/products/poster-1x1", headers=keys["myposter", "shop"])
    assert missing.status_code == 404 and "'poster-1x1'" in missing.get_json()["detail"]
