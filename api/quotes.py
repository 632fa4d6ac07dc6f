"""`POST /v1/quotes`: exactly what an order would cost, without creating one. The body carries only
what prices depend on (see `orders.pricing.quote`): products with their options and quantities, the
market and currency, the customer's type and VAT id, the country shipped to."""

from __future__ import annotations

from apiflask import APIBlueprint
from pydantic import BaseModel, ConfigDict, Field

from api.auth import bearer, roles
from api.context import caller, services
from api.orders import unprocessable
from orders.errors import OrderRejected
from orders.pricing import Quote
from vocab.spec import Address, Customer, CustomerType, ItemSpec, OrderSpec
from orders.validation import FieldError

bp = APIBlueprint("quotes", __name__, tag="Quotes")
FIELDS = {"shipping_address.country": "shipping_country"}  # the order's field -> the quote body's


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuoteItem(_Strict):
    product: str = Field(min_length=1, max_length=100)
    quantity: int = Field(1, ge=1, le=10_000)
    options: dict[str, str] = Field(default_factory=dict, description="Priced options, e.g. "
                                    "{\"frame_depth_mm\": \"40\"} for canvas; the price list names them.")


class QuoteCustomer(_Strict):
    type: CustomerType = CustomerType.b2c
    vat_id: str | None = Field(None, max_length=40, description="B2B: checked, and decides reverse charge.")
    company: str | None = Field(None, max_length=200)


class QuoteRequest(_Strict):
    """What prices depend on, nothing else (no images, no order number, no address but its country)."""

    market: str = Field(pattern=r"^[A-Z]{2}$")
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    language: str = Field("en", pattern=r"^[a-z]{2}$", description="Language of texts in the quote "
                          "(the reverse-charge note).")
    customer: QuoteCustomer = Field(default_factory=QuoteCustomer)
    shipping_country: str = Field(pattern=r"^[A-Z]{2}$")
    items: list[QuoteItem] = Field(min_length=1, max_length=100)

    def as_order(self) -> OrderSpec:
        """The order the pricing code reads, with placeholders where prices do not look."""
        address = Address(name="-", street="-", postal_code="-", city="-", country=self.shipping_country)
        customer = Customer(type=self.customer.type, vat_id=self.customer.vat_id, company=self.customer.company)
        items = [ItemSpec(product=i.product, quantity=i.quantity, options=i.options) for i in self.items]
        return OrderSpec(external_id="quote", market=self.market, language=self.language, currency=self.currency,
                         customer=customer, shipping_address=address, items=items)


@bp.post("/v1/quotes")
@bp.auth_required(bearer, roles=roles("shop"))
@bp.input(QuoteRequest, location="json")
@bp.output(Quote)
@bp.doc(summary="Price products for a market and customer (lines, shipping, VAT per rate, rounding, payable)",
        responses={200: "The quote", 422: "Invalid request, or a product/market/VAT id that cannot be priced"})
def create_quote(json_data: QuoteRequest):
    svc = services()
    try:
        return svc.quote(json_data.as_order(), caller().brand)
    except OrderRejected as exc:
        raise unprocessable([FieldError(FIELDS.get(exc.field, exc.field), exc.message, exc.code, exc.values)]) from exc
