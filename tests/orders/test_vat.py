"""VAT rules: OSS for B2C, reverse charge for valid foreign EU VAT IDs, German VAT, Swiss VAT."""

from __future__ import annotations

import pytest
from stdnum.ch import uid as ch_uid
from stdnum.eu import vat as eu_vat

from orders.errors import OrderRejected
from orders.vat import Scheme, decide, display_vat_id, eu_vat_id, swiss_vat_id
from profiles.markets import load_markets
from tests.orders.examples import EU_VAT_ID, SWISS_UID

VALID = EU_VAT_ID
EU = ["DE", "AT", "FR", "IT", "ES", "NL", "BE", "LU"]


def broken(number: str) -> str:
    """The same number with its last digit changed, so the check digit no longer fits."""
    for digit in "0123456789":
        candidate = number[:-1] + digit
        if candidate != number and not eu_vat.is_valid(candidate):
            return candidate
    raise AssertionError(number)


@pytest.fixture(scope="module")
def markets():
    return load_markets()


def test_examples_are_valid_per_stdnum():
    for number in VALID.values():
        assert eu_vat.is_valid(number), number
        assert not eu_vat.is_valid(broken(number))
    assert ch_uid.is_valid(SWISS_UID)


@pytest.mark.parametrize("code", EU)
def test_b2c_in_the_eu_pays_destination_rate(markets, code):
    decision = decide("b2c", markets.get(code), markets)
    assert decision.country == code
    assert decision.scheme is (Scheme.domestic if code == "DE" else Scheme.oss)
    assert not decision.reverse_charge


@pytest.mark.parametrize("code", [c for c in EU if c != "DE"])
def test_b2b_foreign_valid_vat_id_is_reverse_charge(markets, code):
    decision = decide("b2b", markets.get(code), markets, VALID[code])
    assert decision.reverse_charge
    assert decision.scheme is Scheme.reverse_charge
    assert decision.vat_id == VALID[code]


def test_b2b_in_germany_pays_german_vat(markets):
    for number in VALID.values():
        decision = decide("b2b", markets.get("DE"), markets, number)
        assert decision.scheme is Scheme.domestic and decision.country == "DE"


def test_b2b_german_vat_id_delivered_abroad_pays_german_vat(markets):
    decision = decide("b2b", markets.get("AT"), markets, VALID["DE"])
    assert decision.scheme is Scheme.domestic and decision.country == "DE"


def test_vat_id_spelling_is_normalised(markets):
    decision = decide("b2b", markets.get("AT"), markets, "atu 135 856 27")
    assert decision.vat_id == "ATU13585627" and decision.reverse_charge


@pytest.mark.parametrize("code", EU)
@pytest.mark.parametrize("bad", ["broken", "", None, "U13585627", "XX123456789"])
def test_b2b_invalid_vat_id_is_rejected_naming_the_field(markets, code, bad):
    number = broken(VALID[code]) if bad == "broken" else bad
    with pytest.raises(OrderRejected) as info:
        decide("b2b", markets.get(code), markets, number)
    assert info.value.field == "customer.vat_id"
    assert info.value.message


def test_check_digit_message(markets):
    with pytest.raises(OrderRejected, match="check digit"):
        eu_vat_id(broken(VALID["FR"]))


@pytest.mark.parametrize("code", ["CH", "LI"])
@pytest.mark.parametrize("customer", ["b2c", "b2b"])
def test_swiss_vat_for_ch_and_li(markets, code, customer):
    decision = decide(customer, markets.get(code), markets, f"{SWISS_UID} MWST")
    assert decision.scheme is Scheme.swiss and decision.country == "CH" and not decision.reverse_charge


@pytest.mark.parametrize("number", [SWISS_UID, f"{SWISS_UID} MWST", f"{SWISS_UID} TVA", "CHE116281710IVA"])
def test_swiss_uid_forms(number):
    assert swiss_vat_id(number, "CH").startswith("CHE116281710")


def test_liechtenstein_vat_number(markets):
    assert decide("b2b", markets.get("LI"), markets, "LI 12345").vat_id == "LI12345"
    with pytest.raises(OrderRejected) as info:
        decide("b2b", markets.get("CH"), markets, "12345")
    assert info.value.field == "customer.vat_id"


@pytest.mark.parametrize("number", ["CHE-116.281.711", "ATU13585627", "", None])
def test_swiss_b2b_needs_a_valid_uid(markets, number):
    with pytest.raises(OrderRejected) as info:
        decide("b2b", markets.get("CH"), markets, number)
    assert info.value.field == "customer.vat_id"


def test_display_vat_id():
    assert display_vat_id("CHE116281710MWST") == "CHE-116.281.710 MWST"
    assert display_vat_id("ATU13585627") == "ATU13585627"
