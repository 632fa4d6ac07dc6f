"""Price list data: every catalogue product priced in EUR and CHF; errors name file and field."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from profiles.catalogue import load_catalogue
from profiles.markets import CURRENCIES
from profiles.prices import DATA_DIR, PriceError, load_prices


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_every_product_priced_in_both_currencies(catalogue):
    prices = load_prices(catalogue=catalogue)
    for product in catalogue.products.values():
        price = prices.get(product.brand, product.id)
        for currency in CURRENCIES:
            assert price.price[currency] > 0
            assert price.price[currency] == price.price[currency].quantize(Decimal("0.01"))


def test_canvas_frame_depth_option(catalogue):
    prices = load_prices(catalogue=catalogue)
    for product in catalogue.products.values():
        price = prices.get(product.brand, product.id)
        if product.canvas is not None:
            option = price.options["frame_depth_mm"]
            assert option.default == str(int(product.canvas.frame_depth_mm))
            assert option.surcharge_for("40", "EUR") > 0
            assert option.surcharge_for(option.default, "CHF") == 0
        else:
            assert "frame_depth_mm" not in price.options


def test_lookup_of_other_brand_fails(catalogue):
    prices = load_prices(catalogue=catalogue)
    with pytest.raises(KeyError, match="no price"):
        prices.get("kartenliebe", "poster-20x30")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(DATA_DIR / "prices", tmp_path / "prices")
    return tmp_path


def _edit(folder: Path, brand: str, old: str, new: str) -> None:
    path = folder / "prices" / f"{brand}.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("brand", "old", "new", "expect"),
    [
        (
            "myposter",
            'price = { EUR = "9.99", CHF = "11.90" }',
            'price = { EUR = "9.99" }',
            "no price in ['CHF']",
        ),
        (
            "myposter",
            '[product."poster-20x30"]',
            '[product."poster-20x31"]',
            "poster-20x31: not in the catalogue",
        ),
        ("kartenliebe", '[product."card-a6-flat"]', '[product."poster-20x30"]', "belongs to brand"),
        ("myposter", 'EUR = "9.99"', "EUR = 9.99", "decimal string"),
        ("myposter", 'EUR = "9.99"', 'EUR = "9.999"', "in cents"),
        ("myposter", 'EUR = "9.99"', 'USD = "9.99"', "USD"),
        (
            "myposter",
            'surcharge."40" = { EUR = "10.00", CHF = "11.90" }',
            'surcharge."40" = { EUR = "10.00" }',
            "no price in ['CHF']",
        ),
    ],
)
def test_bad_price_files(copy, catalogue, brand, old, new, expect):
    _edit(copy, brand, old, new)
    with pytest.raises(PriceError) as info:
        load_prices(copy, catalogue=catalogue)
    assert expect in str(info.value)
    assert "prices" in str(info.value)


def test_missing_product_named(copy, catalogue):
    _edit(copy, "kartenliebe", '[product."card-a6-flat"]\nprice = { EUR = "1.79", CHF = "2.15" }\n', "")
    with pytest.raises(PriceError, match="kartenliebe.toml: product.card-a6-flat: no price"):
        load_prices(copy, catalogue=catalogue)
