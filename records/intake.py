"""Idempotent order intake, the records side: one order per (brand, Idempotency-Key) and per
(brand, external_id).

The same key with the same body returns the original order; with another body it is a conflict.
Two identical requests at once give one order: the unique constraints decide, the loser reads the
winner's order back (`orders.lifecycle.Lifecycle.submit_order` drives this).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import Order, OrderItem
from vocab.spec import OrderSpec


class IntakeConflict(Exception):
    """The request collides with an existing order; `field` says which (`Idempotency-Key` or `external_id`)."""

    def __init__(self, field: str, message: str, order_id: str) -> None:
        super().__init__(message)
        self.field, self.order_id = field, order_id


class PricedLine(Protocol):
    unit_price: Any
    net: Any
    vat_rate: Any
    vat: Any
    gross: Any


class PricedOrder(Protocol):
    """What intake needs of a quote: one priced line per item, and a JSON dump of the totals."""

    lines: list[PricedLine]

    def model_dump(self, *, mode: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class IntakeResult:
    order_id: str
    created: bool
    job_ids: list[str]


def request_hash(spec: OrderSpec) -> str:
    """A stable fingerprint of the validated body (key order and whitespace do not matter)."""
    return hashlib.sha256(spec.model_dump_json(exclude_none=False).encode()).hexdigest()


def existing_order(session: Session, brand: str, key: str | None, external_id: str) -> tuple[Order | None, str]:
    """The order this request may repeat, and which field matched."""
    if key is not None:
        order = session.scalar(select(Order).where(Order.brand == brand, Order.idempotency_key == key))
        if order is not None:
            return order, "Idempotency-Key"
    order = session.scalar(select(Order).where(Order.brand == brand, Order.external_id == external_id))
    return order, "external_id"


def replay(order: Order, field: str, digest: str) -> IntakeResult:
    """The earlier order again, or IntakeConflict when the body differs."""
    if order.request_hash != digest:
        if field == "Idempotency-Key":
            message = "This Idempotency-Key was used for an order with a different body."
        else:
            message = f"An order with external_id {order.external_id!r} exists with a different body."
        raise IntakeConflict(field, message, order.id)
    jobs = [job.id for item in order.items for job in item.jobs if job.version == item.current_version]
    return IntakeResult(order_id=order.id, created=False, job_ids=jobs)


def order_rows(spec: OrderSpec, quote: PricedOrder | None, *, brand: str, idempotency_key: str | None,
               digest: str, at: datetime) -> Order:
    """The order and its lines as records, each line keeping the price it was sold at."""
    order = Order(brand=brand, external_id=spec.external_id, idempotency_key=idempotency_key,
                  request_hash=digest, market=spec.market, language=spec.language, currency=spec.currency,
                  customer_type=spec.customer.type.value, spec=spec.model_dump(mode="json"),
                  totals=quote.model_dump(mode="json") if quote is not None else None,
                  created_at=at, updated_at=at)
    basis = "net" if spec.customer.type.value == "b2b" else "gross"
    for position, item_spec in enumerate(spec.items):
        item = OrderItem(position=position, product=item_spec.product, quantity=item_spec.quantity,
                         spec=item_spec.model_dump(mode="json"), current_version=1)
        if quote is not None:
            line = quote.lines[position]
            item.unit_price, item.net, item.vat_rate = line.unit_price, line.net, line.vat_rate
            item.vat, item.gross, item.price_basis = line.vat, line.gross, basis
        order.items.append(item)
    return order
