"""Packing slip PDFs read back as text (pdftotext) in each language, with locale-formatted amounts."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest
from babel.numbers import format_currency

from orders.locales import LANGUAGES, babel_locale, messages
from orders.packing_slip import PackingSlipError, Seller, build_packing_slip, slip_data
from orders.pricing import quote
from vocab.spec import OrderSpec
from profiles.catalogue import load_catalogue
from profiles.markets import load_markets
from profiles.prices import load_prices
from tests import imagegen
from tests.orders.examples import VALID_VAT_ID

CREATED = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
VALID_ID = VALID_VAT_ID
# (language, market, date as the locale writes 14 March 2026)
CASES = [
    ("de", "DE", "14. März 2026"),
    ("en", "NL", "14 March 2026"),
    ("fr", "FR", "14 mars 2026"),
    ("it", "IT", "14 marzo 2026"),
    ("es", "ES", "14 de marzo de 2026"),
    ("nl", "BE", "14 maart 2026"),
    ("de", "CH", "14. März 2026"),
    ("fr", "CH", "14 mars 2026"),
]


@pytest.fixture(scope="module")
def env():
    catalogue = load_catalogue()
    return {"catalogue": catalogue, "markets": load_markets(), "prices": load_prices(catalogue=catalogue)}


def spec(market: str, language: str, customer: dict | None = None, items: list | None = None) -> OrderSpec:
    return OrderSpec.model_validate(
        {
            "external_id": "SHOP-4711",
            "market": market,
            "language": language,
            "currency": "CHF" if market in {"CH", "LI"} else "EUR",
            "customer": customer or {"type": "b2c"},
            "shipping_address": {
                "name": "Zoë Müller-Łukasz",
                "street": "Bahnhofstraße 1",
                "postal_code": "8001",
                "city": "Zürich",
                "country": market,
            },
            "items": items or [{"product": "poster-20x30", "quantity": 3}, {"product": "canvas-40x30"}],
        }
    )


def make(env, tmp_path: Path, order: OrderSpec, thumbnails=None, name="slip.pdf", seller=None):
    q = quote(order, "myposter", at=CREATED, **env)
    data = slip_data(
        order,
        q,
        brand="myposter",
        order_id="ord_01H",
        created_at=CREATED,
        catalogue=env["catalogue"],
        thumbnails=thumbnails,
        seller=seller,
    )
    return q, build_packing_slip(data, tmp_path / name)


def read_text(tool, pdf: Path) -> str:
    result = subprocess.run(
        [tool("pdftotext"), "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())  # one line, any whitespace (incl. NBSP) as one space


def norm(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def thumbs(tmp_path_factory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("thumbs")
    return {
        0: imagegen.photo_jpeg(folder / "a.jpg", 96, 64),
        1: imagegen.photo_jpeg(folder / "b.jpg", 48, 64),
    }


def test_every_language_is_covered():
    assert {language for language, _, _ in CASES} == set(LANGUAGES)


@pytest.mark.parametrize(("language", "market", "date"), CASES)
def test_slip_in_each_language(env, tmp_path, tool, thumbs, language, market, date):
    q, pdf = make(env, tmp_path, spec(market, language), thumbnails=thumbs)
    text = read_text(tool, pdf)
    texts = messages(language, market)
    locale = babel_locale(language, market)
    for key in [
        "packing_slip",
        "invoice_copy",
        "order_number",
        "ship_to",
        "item",
        "quantity",
        "unit_price",
        "shipping",
        "total_net",
        "total_gross",
        "payable",
        "thanks",
    ]:
        assert norm(texts[key]) in text, (key, texts[key])
    assert texts["vat"] in text
    assert date in text
    assert "SHOP-4711" in text and "Zoë Müller-Łukasz" in text and "Bahnhofstraße 1" in text
    for amount in [q.payable, q.net, q.vat[0].amount, q.lines[0].unit_price]:
        assert norm(format_currency(amount, q.currency, locale=locale)) in text
    assert "Poster 20 x 30 cm" in text
    if q.currency == "CHF":
        assert norm(texts["rounding"]) in text
    assert texts["reverse_charge"].split()[0] not in text
    listing = subprocess.run(
        [tool("pdfimages"), "-list", str(pdf)], capture_output=True, text=True, check=True
    )
    sizes = sorted(tuple(line.split()[3:5]) for line in listing.stdout.splitlines()[2:] if line.strip())
    assert sizes == [("48", "64"), ("96", "64")]


@pytest.mark.parametrize(
    ("language", "market", "needle"),
    [
        ("de", "AT", "Steuerschuldnerschaft des Leistungsempfängers"),
        ("en", "FR", "Reverse charge"),
        ("fr", "BE", "Autoliquidation"),
        ("it", "IT", "Inversione contabile"),
        ("es", "ES", "Inversión del sujeto pasivo"),
        ("nl", "NL", "Btw verlegd"),
    ],
)
def test_reverse_charge_note(env, tmp_path, tool, language, market, needle):
    order = spec(market, language, {"type": "b2b", "company": "Kunde & Söhne", "vat_id": VALID_ID[market]})
    q, pdf = make(env, tmp_path, order)
    text = read_text(tool, pdf)
    assert q.reverse_charge
    assert needle in text
    assert VALID_ID[market] in text and "Kunde & Söhne" in text


def test_b2b_swiss_shows_mwst_and_uid(env, tmp_path, tool):
    order = spec("CH", "de", {"type": "b2b", "company": "Muster AG", "vat_id": "CHE116281710MWST"})
    q, pdf = make(env, tmp_path, order, seller=Seller(name="myposter GmbH", vat_id="DE136695976"))
    text = read_text(tool, pdf)
    assert "MWST-Nr.: CHE-116.281.710 MWST" in text
    assert "Preise netto zzgl. MWST." in text
    assert "myposter GmbH" in text and not q.reverse_charge


def test_font_is_embedded(env, tmp_path, tool):
    _, pdf = make(env, tmp_path, spec("DE", "de"))
    out = subprocess.run([tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line for line in out.splitlines()[2:] if line.strip()]
    assert rows and all(" yes " in row for row in rows), out
    assert all("DejaVu" in row or "SlipSans" in row for row in rows), out


def test_same_data_same_bytes(env, tmp_path):
    _, first = make(env, tmp_path, spec("FR", "fr"), name="a.pdf")
    _, second = make(env, tmp_path, spec("FR", "fr"), name="b.pdf")
    assert first.read_bytes() == second.read_bytes()


def test_long_order_breaks_pages(env, tmp_path, tool):
    items = [{"product": "poster-20x30", "quantity": i + 1} for i in range(60)]
    q, pdf = make(env, tmp_path, spec("DE", "de", items=items))
    with pikepdf.open(pdf) as doc:
        assert len(doc.pages) >= 2
    text = read_text(tool, pdf)
    assert (
        "Seite 2" in text and format_currency(q.payable, "EUR", locale="de_DE").replace("\xa0", " ") in text
    )


def test_unreadable_thumbnail_is_a_clear_error(env, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg")
    with pytest.raises(PackingSlipError, match="broken.jpg"):
        make(env, tmp_path, spec("DE", "de"), thumbnails={0: broken})
