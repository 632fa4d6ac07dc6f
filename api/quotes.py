"""`POST /v1/quotes`: exactly what an order would cost, without creating one."""

from __future__ import annotations

from apiflask import APIBlueprint

from api.auth import bearer, roles
from api.context import caller
from api.orders import validate_order
from orders.pricing import Quote
from orders.spec import OrderSpec

bp = APIBlueprint("quotes", __name__, tag="Orders")


@bp.post("/v1/quotes")
@bp.auth_required(bearer, roles=roles("shop"))
@bp.input(OrderSpec, location="json")
@bp.output(Quote)
@bp.doc(summary="Price an order body (lines, shipping, VAT per rate, rounding, payable) without creating it",
        responses={200: "The quote", 422: "Invalid order"})
def create_quote(json_data: OrderSpec):
    return validate_order(json_data, caller().brand)
