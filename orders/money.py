"""Exact money: Decimal amounts, half-up rounding to the cent, CHF cash rounding to 0.05.

Floats never touch an amount. Every amount that leaves this package is quantized to the cent
so that `str()` gives a plain decimal string ("12.50", never "1.25E+1").
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

#: Smallest payable step per currency (cash rounding); currencies not listed pay to the cent.
PAYABLE_STEP: dict[str, Decimal] = {"CHF": Decimal("0.05")}


def to_decimal(value: str | int | Decimal) -> Decimal:
    """A Decimal from a string/int/Decimal (never a float, which is already inexact)."""
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a decimal string")
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{value!r} is not a decimal amount") from None
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite amount")
    return result


def round_cent(amount: Decimal) -> Decimal:
    """Half-up to the cent (0.005 -> 0.01, -0.005 -> -0.01)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def round_step(amount: Decimal, step: Decimal) -> Decimal:
    """Half-up to a multiple of `step` (e.g. 0.05 for Swiss cash rounding), result to the cent."""
    units = (amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return round_cent(units * step)


def payable(currency: str, gross: Decimal) -> Decimal:
    """What the customer pays: the gross total rounded to the currency's payable step."""
    step = PAYABLE_STEP.get(currency)
    return round_cent(gross) if step is None else round_step(gross, step)


HUNDRED = Decimal(100)


def vat_from_gross(gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT contained in a gross amount at `rate` percent (19 for 19 %), half-up to the cent."""
    return round_cent(gross * rate / (HUNDRED + rate))


def vat_on_net(net: Decimal, rate: Decimal) -> Decimal:
    """The VAT on a net amount at `rate` percent, half-up to the cent."""
    return round_cent(net * rate / HUNDRED)


def net_from_gross(gross: Decimal, rate: Decimal) -> Decimal:
    """A net price derived from a gross price at `rate` percent, half-up to the cent."""
    return round_cent(gross * HUNDRED / (HUNDRED + rate))
