"""Markets data: every market, its currency and languages, VAT rates in force and historic ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from profiles.catalogue import load_catalogue
from profiles.markets import MarketError, load_markets
from tests.orders.examples import STANDARD_RATE

STANDARD_NOW = STANDARD_RATE
CURRENCY = {
    "DE": "EUR",
    "AT": "EUR",
    "CH": "CHF",
    "LI": "CHF",
    "FR": "EUR",
    "IT": "EUR",
    "ES": "EUR",
    "NL": "EUR",
    "BE": "EUR",
    "LU": "EUR",
}
OWN_LANGUAGE = {
    "DE": "de",
    "AT": "de",
    "CH": "de",
    "LI": "de",
    "FR": "fr",
    "IT": "it",
    "ES": "es",
    "NL": "nl",
    "BE": "nl",
    "LU": "fr",
}
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def markets():
    return load_markets()


def test_the_ten_markets(markets):
    assert set(markets.codes) == set(STANDARD_NOW)


@pytest.mark.parametrize("code", sorted(STANDARD_NOW))
def test_market_currency_languages_rate(markets, code):
    market = markets.get(code)
    assert market.currency == CURRENCY[code]
    assert "en" in market.languages
    assert OWN_LANGUAGE[code] in market.languages
    assert market.default_language in market.languages
    assert market.eu is (code not in {"CH", "LI"})
    assert market.rate_at("standard", NOW) == Decimal(STANDARD_NOW[code])
    assert markets.rate_at(code, "standard", NOW) == Decimal(STANDARD_NOW[code])
    assert market.rate_at("reduced", NOW) < market.rate_at("standard", NOW)


@pytest.mark.parametrize(
    ("code", "when", "rate"),
    [
        ("CH", datetime(2023, 12, 31, 23, 59, tzinfo=UTC), "7.7"),
        ("CH", datetime(2024, 1, 1, 0, 0, tzinfo=UTC), "8.1"),
        ("CH", datetime(2017, 6, 1, tzinfo=UTC), "8.0"),
        ("LI", datetime(2023, 6, 1, tzinfo=UTC), "7.7"),
        ("LI", datetime(2024, 6, 1, tzinfo=UTC), "8.1"),
        ("LU", datetime(2023, 6, 1, tzinfo=UTC), "16"),
        ("LU", datetime(2022, 12, 31, tzinfo=UTC), "17"),
        ("LU", datetime(2024, 1, 1, tzinfo=UTC), "17"),
        ("DE", datetime(2020, 8, 1, tzinfo=UTC), "16"),
        ("DE", datetime(2021, 1, 1, tzinfo=UTC), "19"),
        ("FR", datetime(2013, 6, 1, tzinfo=UTC), "19.6"),
        ("IT", datetime(2013, 9, 30, tzinfo=UTC), "21"),
        ("ES", datetime(2012, 8, 31, tzinfo=UTC), "18"),
        ("NL", datetime(2012, 9, 30, tzinfo=UTC), "19"),
    ],
)
def test_historic_rates_stay(markets, code, when, rate):
    assert markets.rate_at(code, "standard", when) == Decimal(rate)


def test_rate_day_is_taken_in_utc(markets):
    # 00:30 in Zurich on 1 January 2024 is still 2023 in UTC.
    zurich = timezone(timedelta(hours=1))
    assert markets.rate_at("CH", "standard", datetime(2024, 1, 1, 0, 30, tzinfo=zurich)) == Decimal("7.7")


def test_naive_time_and_too_early_are_refused(markets):
    with pytest.raises(ValueError, match="aware"):
        markets.rate_at("DE", "standard", datetime(2024, 1, 1))
    with pytest.raises(LookupError, match="no VAT rate"):
        markets.rate_at("DE", "standard", datetime(1990, 1, 1, tzinfo=UTC))


def test_liechtenstein_uses_swiss_vat(markets):
    li = markets.get("LI")
    assert li.vat_country == "CH"
    assert li.vat == markets.get("CH").vat


def test_unknown_market(markets):
    with pytest.raises(KeyError, match="unknown market 'US'"):
        markets.get("US")
    assert "US" not in markets


def test_every_market_ships_every_brand_in_its_currency(markets):
    for brand in load_catalogue().brands:
        for code in markets.codes:
            market = markets.get(code)
            assert market.shipping_price(brand, market.currency) > 0


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "markets.toml").write_text(body, encoding="utf-8")
    return tmp_path


GOOD = """
seller_country = "DE"
[DE]
name = "Germany"
currency = "EUR"
eu = true
default_language = "de"
languages = ["de"]
shipping = { myposter = { EUR = "5.95" } }
vat = [{ effective_from = 2007-01-01, standard = "19", reduced = "7" }]
"""


def test_minimal_file_loads_and_adds_english(tmp_path):
    markets = load_markets(_write(tmp_path, GOOD))
    assert markets.get("DE").languages == ["de", "en"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('currency = "EUR"', 'currency = "USD"'), "currency"),
        (('default_language = "de"', 'default_language = "fr"'), "default_language"),
        (('standard = "19"', "standard = 19.0"), "standard"),
        (('EUR = "5.95"', 'CHF = "5.95"'), "shipping"),
        (('languages = ["de"]', 'languages = ["de", "pl"]'), "languages"),
        (('seller_country = "DE"', 'seller_country = "FR"'), "seller_country"),
    ],
)
def test_errors_name_file_and_field(tmp_path, change, field):
    with pytest.raises(MarketError) as info:
        load_markets(_write(tmp_path, GOOD.replace(*change)))
    assert "markets.toml" in str(info.value)
    assert field in str(info.value)


def test_linked_rates_must_exist(tmp_path):
    body = (
        GOOD
        + """
[LI]
name = "Liechtenstein"
currency = "CHF"
eu = false
default_language = "de"
languages = ["de"]
vat_rates_from = "CH"
"""
    )
    with pytest.raises(MarketError, match="LI.vat_rates_from"):
        load_markets(_write(tmp_path, body))
