"""Exact money: half-up to the cent, CHF cash rounding to 0.05, VAT in and on amounts."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orders import money


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("0.005", "0.01"),
        ("0.004999", "0.00"),
        ("2.675", "2.68"),
        ("1.015", "1.02"),
        ("-0.005", "-0.01"),
        ("10", "10.00"),
        ("0.0149", "0.01"),
    ],
)
def test_round_cent_half_up(amount, rounded):
    assert str(money.round_cent(D(amount))) == rounded


@pytest.mark.parametrize(
    ("gross", "payable"),
    [
        ("90.47", "90.45"),
        ("90.48", "90.50"),
        ("90.475", "90.50"),
        ("90.42", "90.40"),
        ("90.425", "90.45"),
        ("90.43", "90.45"),
        ("0.02", "0.00"),
        ("0.03", "0.05"),
        ("12.50", "12.50"),
    ],
)
def test_chf_payable_rounds_to_five_rappen(gross, payable):
    assert str(money.payable("CHF", D(gross))) == payable


def test_eur_payable_is_to_the_cent():
    assert str(money.payable("EUR", D("90.47"))) == "90.47"


@pytest.mark.parametrize(
    ("gross", "rate", "vat"),
    [
        ("119.00", "19", "19.00"),
        ("9.99", "19", "1.60"),
        ("10.81", "8.1", "0.81"),
        ("1.00", "20", "0.17"),
        ("100.00", "0", "0.00"),
        ("29.97", "21", "5.20"),
    ],
)
def test_vat_from_gross(gross, rate, vat):
    assert money.vat_from_gross(D(gross), D(rate)) == D(vat)


def test_vat_on_net_half_up_at_half_cent():
    # 0.50 * 19 % = 0.095 -> 0.10 (half-up, not banker's 0.10/0.09 ambiguity)
    assert money.vat_on_net(D("0.50"), D("19")) == D("0.10")
    assert money.vat_on_net(D("0.10"), D("25")) == D("0.03")  # 0.025 -> 0.03
    assert money.vat_on_net(D("0.30"), D("15")) == D("0.05")  # 0.045 -> 0.05


def test_net_from_gross():
    assert money.net_from_gross(D("11.90"), D("19")) == D("10.00")
    assert money.net_from_gross(D("9.99"), D("19")) == D("8.39")


def test_floats_are_refused():
    with pytest.raises(TypeError, match="float"):
        money.to_decimal(9.99)
    with pytest.raises(ValueError, match="not a decimal"):
        money.to_decimal("nine")
    assert money.to_decimal("9.99") == D("9.99")


@given(st.integers(min_value=0, max_value=10**9))
def test_chf_rounding_is_small_and_on_the_grid(cents):
    gross = D(cents) / 100
    paid = money.payable("CHF", gross)
    assert paid % D("0.05") == 0
    assert abs(paid - gross) <= D("0.025")
