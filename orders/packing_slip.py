"""The packing slip with invoice copy of one order (issue 5.8): a PDF in the order's language.

Pure: `PackingSlipData` in, a PDF file out (reportlab platypus, pages break by themselves for
long orders). Texts come from `orders/locales`, amounts/dates/percentages are formatted by
babel for the order's locale (de_CH, fr_BE, ...), VAT is named as the language names it
(MwSt., MWST, TVA, IVA, btw, VAT) and the reverse-charge note is printed where it applies.
The font is DejaVu Sans from the catalogue's fonts (`profiles.fonts`) (embedded as a subset), so every European
character prints. Output is deterministic (reportlab invariant mode): same data, same bytes.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_percent
from pydantic import BaseModel, ConfigDict, Field
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from orders.locales import babel_locale, messages
from orders.pricing import Quote, QuoteLine
from orders.vat import display_vat_id
from profiles import fonts
from profiles.catalogue import Catalogue
from vocab.spec import Address, Customer, OrderSpec

SLIP_FONT = "dejavu-sans"
THUMB_MM = 18


class PackingSlipError(ValueError):
    """The slip cannot be built from this data (e.g. an unreadable thumbnail); says what to fix."""


class SlipLine(BaseModel):
    """One item as printed: name, quantity, the priced amounts and an optional thumbnail."""

    model_config = ConfigDict(frozen=True)

    product: str
    name: str
    quantity: int
    unit_price: Decimal
    net: Decimal
    vat_rate: Decimal
    vat: Decimal
    gross: Decimal
    options: dict[str, str] = Field(default_factory=dict)
    thumbnail: Path | None = Field(None, description="A small JPEG of the item, if there is one.")


class Seller(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    address_lines: list[str] = Field(default_factory=list)
    vat_id: str | None = None


class PackingSlipData(BaseModel):
    """Everything printed on a packing slip; built by the lead from the stored order."""

    model_config = ConfigDict(frozen=True)

    brand: str
    external_id: str
    order_id: str
    created_at: datetime
    language: str
    market: str
    shipping_address: Address
    customer: Customer = Field(default_factory=Customer)
    lines: list[SlipLine] = Field(min_length=1)
    quote: Quote
    seller: Seller | None = None


def slip_data(
    order: OrderSpec,
    quote: Quote,
    *,
    brand: str,
    order_id: str,
    created_at: datetime,
    catalogue: Catalogue,
    thumbnails: dict[int, Path] | None = None,
    seller: Seller | None = None,
) -> PackingSlipData:
    """PackingSlipData from an order spec and its quote; `thumbnails` maps item index -> JPEG path."""
    thumbnails = thumbnails or {}
    lines = [
        SlipLine(
            product=q.product,
            name=catalogue.get(q.product).name if q.product in catalogue.products else q.product,
            quantity=q.quantity,
            unit_price=q.unit_price,
            net=q.net,
            vat_rate=q.vat_rate,
            vat=q.vat,
            gross=q.gross,
            options=q.options,
            thumbnail=thumbnails.get(i),
        )
        for i, q in enumerate(quote.lines)
    ]
    return PackingSlipData(
        brand=brand,
        external_id=order.external_id,
        order_id=order_id,
        created_at=created_at,
        language=order.language,
        market=order.market,
        shipping_address=order.shipping_address,
        customer=order.customer,
        lines=lines,
        quote=quote,
        seller=seller,
    )


@cache
def _font() -> str:
    """The slip's font, registered with reportlab by the catalogue's font module (the same files the
    print files embed; an import, not a path into another package)."""
    return fonts.font(SLIP_FONT).fontName


class _Fmt:
    """Locale-aware formatting of one slip."""

    def __init__(self, locale: Locale, currency: str) -> None:
        self.locale, self.currency = locale, currency

    def money(self, amount: Decimal) -> str:
        return format_currency(amount, self.currency, locale=self.locale)

    def rate(self, percent: Decimal) -> str:
        return format_percent(percent / 100, locale=self.locale, decimal_quantization=False)

    def date(self, when: datetime) -> str:
        return format_date(when.date(), format="long", locale=self.locale)


def _thumbnail(path: Path | None) -> Image | str:
    if path is None:
        return ""
    try:
        reader = ImageReader(str(path))
        width, height = reader.getSize()
    except Exception as exc:  # reportlab raises several types for unreadable images
        raise PackingSlipError(
            f"thumbnail {path} cannot be read as an image ({exc}); pass a JPEG file or no thumbnail"
        ) from exc
    scale = THUMB_MM * mm / max(width, height)
    return Image(str(path), width=width * scale, height=height * scale)


def _line_name(line: SlipLine, texts: dict[str, str], style: ParagraphStyle) -> Paragraph:
    extras = []
    for name, value in line.options.items():
        template = texts.get(f"option_{name}")
        extras.append(template.format(value=value) if template else f"{name}: {value}")
    body = escape(line.name) + "".join(f"<br/><font size=7>{escape(e)}</font>" for e in extras)
    return Paragraph(body, style)


class _Slip:
    """One slip's texts, number formats and styles, and its parts as reportlab flowables."""

    def __init__(self, data: PackingSlipData) -> None:
        self.data, self.font = data, _font()
        self.texts = messages(data.language, data.market)
        self.q = data.quote
        self.fmt = _Fmt(babel_locale(data.language, data.market), self.q.currency)
        self.vat_name = self.texts["vat"]
        self.base = ParagraphStyle("base", fontName=self.font, fontSize=9, leading=11.5)
        self.small = ParagraphStyle("small", parent=self.base, fontSize=8, leading=10)
        self.right = ParagraphStyle("right", parent=self.base, fontSize=8, leading=10, alignment=2)

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(escape(text), style or self.base)

    def lines(self, lines: list[str], style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph("<br/>".join(escape(s) for s in lines), style or self.base)

    def heading(self) -> list:
        title = ParagraphStyle("title", parent=self.base, fontSize=16, leading=20, spaceAfter=2 * mm)
        brand = ParagraphStyle("brand", parent=self.base, fontSize=11, textColor=colors.grey)
        return [Paragraph(escape(self.data.brand), brand),
                Paragraph(f"{escape(self.texts['packing_slip'])} / {escape(self.texts['invoice_copy'])}", title)]

    def info(self) -> Table:
        data, texts, q, p = self.data, self.texts, self.q, self.p
        address = data.shipping_address
        ship_lines = [address.name, address.street, f"{address.postal_code} {address.city}", address.country]
        customer_lines: list[str] = []
        if data.customer.company:
            customer_lines.append(f"{texts['company']}: {data.customer.company}")
        if q.vat_id or data.customer.vat_id:
            customer_lines.append(f"{texts['vat_id']}: {display_vat_id(q.vat_id or data.customer.vat_id or '')}")
        info = [[p(texts["order_number"]), p(data.external_id), p(texts["ship_to"])],
                [p(texts["order_id"]), p(data.order_id), self.lines(ship_lines)],
                [p(texts["order_date"]), p(self.fmt.date(data.created_at)), ""]]
        if customer_lines:
            info.append([p(texts["customer"]), self.lines(customer_lines), ""])
        if data.seller:
            seller = [data.seller.name, *data.seller.address_lines]
            if data.seller.vat_id:
                seller.append(f"{texts['vat_id']}: {data.seller.vat_id}")
            info.append([p(texts["seller"]), self.lines(seller, self.small), ""])
        table = Table(info, colWidths=[32 * mm, 70 * mm, 78 * mm])
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), self.font), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("SPAN", (2, 1), (2, -1)), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return table

    def amounts(self, line: SlipLine | QuoteLine) -> list[Paragraph]:
        fmt, right = self.fmt, self.right
        return [self.p(str(line.quantity), right), self.p(fmt.money(line.unit_price), right),
                self.p(fmt.money(line.net), right), self.p(fmt.rate(line.vat_rate), right),
                self.p(fmt.money(line.vat), right), self.p(fmt.money(line.gross), right)]

    def items(self) -> Table:
        texts = self.texts
        head = ["", texts["item"], texts["quantity"], texts["unit_price"], texts["net"], texts["vat_rate"],
                self.vat_name, texts["gross"]]
        head_right = ParagraphStyle("h", parent=self.small, alignment=2)
        rows: list[list] = [[self.p(h, self.small if i < 2 else head_right) for i, h in enumerate(head)]]
        for line in self.data.lines:
            rows.append([_thumbnail(line.thumbnail), _line_name(line, texts, self.base), *self.amounts(line)])
        rows.append(["", self.p(texts["shipping"]), *self.amounts(self.q.shipping)])
        table = Table(rows, colWidths=[21 * mm, 41 * mm, 14 * mm, 24 * mm, 24 * mm, 14 * mm, 20 * mm, 24 * mm],
                      repeatRows=1)
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), self.font),
                                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                                   ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey)]))
        return table

    def totals(self) -> Table:
        texts, q, fmt, p = self.texts, self.q, self.fmt, self.p
        right = ParagraphStyle("right9", parent=self.base, alignment=2)
        totals: list[list] = [[p(texts["total_net"]), p(fmt.money(q.net), right)]]
        for group in q.vat:
            label = texts["vat_line"].format(vat=self.vat_name, rate=fmt.rate(group.rate),
                                             base=fmt.money(group.base))
            totals.append([p(label), p(fmt.money(group.amount), right)])
        totals.append([p(texts["total_gross"]), p(fmt.money(q.gross), right)])
        if q.rounding or q.currency == "CHF":
            totals.append([p(texts["rounding"]), p(fmt.money(q.rounding), right)])
        bold = ParagraphStyle("bold", parent=self.base, fontSize=11, leading=14)
        totals.append([p(texts["payable"], bold),
                       p(fmt.money(q.payable), ParagraphStyle("br", parent=bold, alignment=2))])
        table = Table(totals, colWidths=[70 * mm, 30 * mm], hAlign="RIGHT")
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), self.font),
                                   ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black)]))
        return table

    def notes(self) -> list:
        texts, q = self.texts, self.q
        out: list = []
        if q.reverse_charge:
            out.append(self.p(texts["reverse_charge"], ParagraphStyle("rc", parent=self.base, fontSize=10,
                                                                      leading=13)))
        else:
            note_key = "prices_note_net" if q.customer_type == "b2b" else "prices_note_gross"
            out.append(self.p(texts[note_key].format(vat=self.vat_name), self.small))
        return [*out, Spacer(1, 4 * mm), self.p(texts["thanks"])]

    def footer(self, canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(self.font, 7)
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, self.texts["page"].format(page=doc.page))
        canvas.drawString(15 * mm, 10 * mm, f"{self.data.brand} · {self.data.external_id}")
        canvas.restoreState()


def build_packing_slip(data: PackingSlipData, out: Path) -> Path:
    """Write the packing slip with invoice copy of `data` to `out` (a PDF) and return `out`."""
    slip = _Slip(data)
    story = [*slip.heading(), slip.info(), Spacer(1, 6 * mm), slip.items(), Spacer(1, 5 * mm), slip.totals(),
             Spacer(1, 5 * mm), *slip.notes()]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=18 * mm, title=f"{slip.texts['packing_slip']} {data.external_id}",
                            author=data.brand, creator="Printline", invariant=1, lang=data.language,
                            initialFontName=slip.font, initialFontSize=9)
    doc.build(story, onFirstPage=slip.footer, onLaterPages=slip.footer)
    return out
