"""Which VAT applies to an order: the rules of issue 5, each a small tested function.

The seller is a German company (`Markets.seller_country`).

* B2C in the EU: the destination country's rate (one-stop-shop, OSS).
* B2B in the EU with a valid VAT ID (format and check digit, python-stdnum) of a member state
  other than Germany, delivered to a member state other than Germany: tax-exempt intra-Community
  supply, reverse charge, 0 %, with the legal note on the documents.
* Any other B2B delivery in the EU (German customer, or goods that stay in Germany): German VAT.
* CH and LI: Swiss VAT at the Swiss rate (Liechtenstein is in the Swiss VAT area), B2C and B2B
  alike; there is no reverse charge for deliveries into Switzerland.
* A B2B order needs a company name and a VAT ID that is valid where it is checked: an EU VAT ID
  for EU deliveries; a Swiss UID (CHE-123.456.789, optional MWST/TVA/IVA suffix, check digit) for
  CH; for LI a Swiss UID or a Liechtenstein VAT number (5 or 6 digits, optional "LI" prefix; these
  have no check digit, so only the format is checked). An invalid or missing ID is an
  `OrderRejected("customer.vat_id", ...)`, never a silent fallback to B2C.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from stdnum import exceptions as stdnum_errors
from stdnum.ch import uid as ch_uid
from stdnum.ch import vat as ch_vat
from stdnum.eu import vat as eu_vat

from orders.errors import OrderRejected
from profiles.markets import Market, Markets

VAT_ID_FIELD = "customer.vat_id"
_LI_VAT = re.compile(r"^(?:LI)?(\d{5,6})(?:MWST)?$")


class Scheme(StrEnum):
    domestic = "domestic"  # German VAT (seller's country)
    oss = "oss"  # B2C distance sale in the EU, destination rate
    reverse_charge = "reverse_charge"  # B2B intra-Community supply, 0 %
    swiss = "swiss"  # CH/LI, Swiss VAT


@dataclass(frozen=True)
class VatDecision:
    """How an order is taxed: whose rates, which scheme, and the normalised VAT ID."""

    scheme: Scheme
    country: str  # whose rates apply (DE, AT, ..., CH for LI)
    vat_id: str | None = None

    @property
    def reverse_charge(self) -> bool:
        return self.scheme is Scheme.reverse_charge

    def rate(self, markets: Markets, category: str, at: datetime) -> Decimal:
        """The rate (percent) for a line of `category` at `at`; 0 under reverse charge."""
        if self.reverse_charge:
            return Decimal(0)
        return markets.rate_at(self.country, category, at)


def _eu_refusal(vat_id: str, exc: Exception) -> OrderRejected:
    """The refusal of an EU VAT ID, one code per reason, so each language says what to fix."""
    send = " Send the VAT ID with its country prefix, e.g. 'ATU13585627'."
    if isinstance(exc, stdnum_errors.InvalidChecksum):
        return OrderRejected(VAT_ID_FIELD, f"{vat_id!r} is not a valid EU VAT ID: its check digit is wrong." + send,
                             code="eu-vat-id-check-digit", vat_id=vat_id)
    if isinstance(exc, stdnum_errors.InvalidLength):
        return OrderRejected(VAT_ID_FIELD, f"{vat_id!r} is not a valid EU VAT ID: it has the wrong length." + send,
                             code="eu-vat-id-length", vat_id=vat_id)
    if isinstance(exc, stdnum_errors.InvalidComponent):
        return OrderRejected(VAT_ID_FIELD, f"{vat_id!r} is not a valid EU VAT ID: its country prefix is not an "
                             "EU member state's." + send, code="eu-vat-id-country", vat_id=vat_id)
    return OrderRejected(VAT_ID_FIELD, f"{vat_id!r} is not a valid EU VAT ID: it is not in the right format." + send,
                         code="eu-vat-id-format", vat_id=vat_id)


def eu_vat_id(vat_id: str) -> str:
    """A normalised EU VAT ID ("DE136695976"), or OrderRejected naming `customer.vat_id`."""
    try:
        number = eu_vat.validate(vat_id)
    except stdnum_errors.ValidationError as exc:
        raise _eu_refusal(vat_id, exc) from None
    return number


def vat_id_country(number: str) -> str:
    """The ISO country of a normalised EU VAT ID (Greece writes EL)."""
    prefix = number[:2].upper()
    return "GR" if prefix == "EL" else prefix


def swiss_vat_id(vat_id: str, destination: str) -> str:
    """A normalised Swiss UID (CH; LI also accepts Liechtenstein VAT numbers), or OrderRejected."""
    if destination == "LI":
        match = _LI_VAT.match(re.sub(r"[\s.\-]", "", vat_id.upper()))
        if match:
            return f"LI{match.group(1)}"
    try:
        return ch_uid.validate(vat_id)
    except stdnum_errors.ValidationError as exc:
        uid_error = exc
    try:
        return ch_vat.validate(vat_id)
    except stdnum_errors.ValidationError as exc:
        if destination == "LI":
            raise OrderRejected(VAT_ID_FIELD, f"{vat_id!r} is neither a Swiss UID/VAT number nor a Liechtenstein "
                                "VAT number (5 or 6 digits). Send it as 'CHE-123.456.789 MWST' or as "
                                "the Liechtenstein number.", code="li-vat-id-invalid", vat_id=vat_id) from None
        if any(isinstance(e, stdnum_errors.InvalidChecksum) for e in (exc, uid_error)):
            raise OrderRejected(VAT_ID_FIELD, f"{vat_id!r} is not a valid Swiss UID/VAT number: its check digit "
                                "is wrong. Send it as 'CHE-123.456.789 MWST'.",
                                code="swiss-vat-id-check-digit", vat_id=vat_id) from None
        raise OrderRejected(VAT_ID_FIELD, f"{vat_id!r} is not a valid Swiss UID/VAT number: it is not in the format "
                            "CHE-123.456.789 (optionally followed by MWST, TVA or IVA). Send it as "
                            "'CHE-123.456.789 MWST'.", code="swiss-vat-id-format", vat_id=vat_id) from None


def decide_b2c(destination: Market, markets: Markets) -> VatDecision:
    """Private customer: destination rate in the EU (OSS), Swiss VAT for CH/LI."""
    if not destination.eu:
        return VatDecision(Scheme.swiss, destination.vat_country)
    if destination.code == markets.seller_country:
        return VatDecision(Scheme.domestic, destination.code)
    return VatDecision(Scheme.oss, destination.code)


def decide_b2b(destination: Market, markets: Markets, vat_id: str | None) -> VatDecision:
    """Business customer: reverse charge only for a valid foreign EU VAT ID and goods leaving Germany."""
    if not vat_id or not vat_id.strip():
        raise OrderRejected(
            VAT_ID_FIELD,
            "a business (b2b) order needs the customer's VAT ID; "
            "send it, or order as a private customer (b2c)",
            code="vat-id-missing",
        )
    if not destination.eu:
        return VatDecision(Scheme.swiss, destination.vat_country, swiss_vat_id(vat_id, destination.code))
    number = eu_vat_id(vat_id)
    seller = markets.seller_country
    if vat_id_country(number) != seller and destination.code != seller:
        return VatDecision(Scheme.reverse_charge, destination.code, number)
    return VatDecision(Scheme.domestic, seller, number)


def decide(
    customer_type: str, destination: Market, markets: Markets, vat_id: str | None = None
) -> VatDecision:
    """The VAT decision for a customer type ('b2c' or 'b2b') and delivery country."""
    if customer_type == "b2b":
        return decide_b2b(destination, markets, vat_id)
    return decide_b2c(destination, markets)


def display_vat_id(number: str) -> str:
    """A VAT ID as printed: Swiss ones as 'CHE-116.281.710 MWST', others as given (compact)."""
    if number.upper().startswith("CHE"):
        for module in (ch_vat, ch_uid):
            if module.is_valid(number):
                return module.format(number)
    return number
