"""Orders: idempotent intake, reading, events, cancelling an item, a new image for a rejected item."""

from __future__ import annotations

from dataclasses import replace

import structlog
from apiflask import APIBlueprint
from flask import request, send_file
from pydantic import BaseModel, Field
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from api import i18n, pagination
from api.auth import bearer, roles
from api.context import caller, services
from api.problems import Problem
from api.schemas import EventList, EventOut, NewImage, OptionalReason, OrderList, OrderOut
from api.views import get_order, order_out
from records.intake import IntakeConflict
from records.models import Event, Order, OrderItem, Upload
from orders.errors import OrderRejected
from orders.lifecycle import Actor
from orders.pricing import Quote
from vocab.spec import ItemSpec, OrderSpec, SlotImage
from orders.validation import FieldError, check_items

bp = APIBlueprint("orders", __name__, tag="Orders")
log = structlog.get_logger(__name__)


class OrderQuery(BaseModel):
    external_id: str | None = Field(None, description="The shop's order number.")
    product: list[pagination.ProfileId] | None = Field(None, max_length=50,
                                                       description="Orders with an item of one of these products "
                                      "(repeat: `product=a&product=b`).")
    created_after: pagination.IsoTime | None = pagination.CREATED_AFTER
    created_before: pagination.IsoTime | None = pagination.CREATED_BEFORE
    cursor: str | None = pagination.CURSOR
    limit: int = Field(50, ge=1, le=500)


def _uploads(brand: str, items: list[ItemSpec]) -> dict[str, tuple[int, int]]:
    """The upright size of each `ready` upload the items name (a URL upload still fetching, or failed,
    is not one an order may name yet: `_not_ready` says why)."""
    ids = {upload_id for item in items for upload_id in item.upload_ids()}
    if not ids:
        return {}
    with services().sessions() as session:
        rows = session.execute(select(Upload.id, Upload.upright_width, Upload.upright_height)
                               .where(Upload.brand == brand, Upload.id.in_(ids), Upload.state == "ready"))
        return {row.id: (row.upright_width, row.upright_height) for row in rows}


def _not_ready(brand: str, items: list[ItemSpec]) -> list[FieldError]:
    """A field error for each image naming a URL upload that is not `ready` (fetching or failed)."""
    ids = {upload_id for item in items for upload_id in item.upload_ids()}
    if not ids:
        return []
    with services().sessions() as session:
        states = dict(session.execute(select(Upload.id, Upload.state).where(
            Upload.brand == brand, Upload.id.in_(ids), Upload.state != "ready")).all())
    errors = []
    for index, item in enumerate(items):
        refs = [("image", item.image)] if item.image is not None else []
        refs += [(f"images[{n}].image", slot.image) for n, slot in enumerate(item.images or [])]
        for field, image in refs:
            state, upload_id = states.get(image.upload_id), image.upload_id
            at = f"items[{index}].{field}.upload_id"
            if state == "fetching":
                errors.append(FieldError(at, f"upload {upload_id} is still being fetched from its URL; order "
                                         f"it once GET /v1/uploads/{upload_id} says ready",
                                         code="upload-fetching", values={"upload_id": upload_id}))
            elif state is not None:
                errors.append(FieldError(at, f"upload {upload_id} could not be fetched from its URL (see GET "
                                         f"/v1/uploads/{upload_id}); send another image",
                                         code="upload-failed", values={"upload_id": upload_id}))
    return errors


def unprocessable(errors: list[FieldError]) -> Problem:
    """422 naming every field; each message in the caller's language (`domain-{code}` in
    `api/locales`), the English one where a refusal has no code."""
    said = [{"field": e.field, "message": i18n.refusal(e.code, e.message, **(e.values or {}))}
            for e in errors]
    return Problem(422, "invalid-order", "; ".join(f"{e.field}: {e.message}" for e in errors),
                   errors=said, values={"count": len(errors)})


def validate_order(spec: OrderSpec, brand: str) -> Quote | None:
    """422 for items that do not fit the catalogue or the uploads, or an order that cannot be priced
    (market, currency, language, VAT ID...); the quote (prices, VAT, totals) otherwise."""
    svc = services()
    errors = _not_ready(brand, spec.items) or check_items(spec.items, brand, svc.catalogue,
                                                          _uploads(brand, spec.items))
    if errors:
        raise unprocessable(errors)
    if svc.quote is None:
        return None
    try:
        return svc.quote(spec, brand)
    except OrderRejected as exc:
        raise unprocessable([FieldError(exc.field, exc.message, exc.code, exc.values)]) from exc


def _conflict(exc: IntakeConflict, external_id: str) -> Problem:
    """409: the Idempotency-Key or external_id of an earlier order with another body, in the caller's
    language (the intake's sentence is English)."""
    if exc.field == "Idempotency-Key":
        error = FieldError(exc.field, str(exc), code="idempotency-key-reused", values={})
    else:
        error = FieldError(exc.field, str(exc), code="external-id-exists",
                           values={"external_id": external_id})
    message = i18n.refusal(error.code, error.message, **(error.values or {}))
    return Problem(409, "order-conflict", str(exc), errors=[{"field": exc.field, "message": message}],
                   values={"order_id": exc.order_id}, order_id=exc.order_id)


def actor() -> Actor:
    who = caller()
    return Actor(who.role, who.key_id)


@bp.post("/v1/orders")
@bp.auth_required(bearer, roles=roles("shop"))
@bp.input(OrderSpec, location="json")
@bp.output(OrderOut, status_code=201, description="Created (200 when it repeats an earlier request).")
@bp.doc(summary="Submit an order", responses={200: "Replayed", 409: "Conflicts with an earlier order",
                                               422: "Invalid order"})
def submit_order(json_data: OrderSpec):
    svc, who = services(), caller()
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key) <= 200:
        raise Problem(400, "bad-idempotency-key", "Idempotency-Key must have 1 to 200 characters.")
    quote = validate_order(json_data, who.brand)
    try:
        result = svc.lifecycle.submit_order(brand=who.brand, spec=json_data, idempotency_key=key, actor=actor(),
                                            quote=quote, sandbox=who.sandbox)
    except IntakeConflict as exc:
        raise _conflict(exc, json_data.external_id) from exc
    with svc.sessions() as session:
        body = order_out(get_order(session, who.brand, result.order_id))
    return body, 201 if result.created else 200


@bp.get("/v1/orders")
@bp.auth_required(bearer, roles=roles("shop", "production", "qa"))
@bp.input(OrderQuery, location="query")
@bp.output(OrderList)
@bp.doc(summary="List the brand's orders, newest first", description="Pages of `limit`; pass `next` as `cursor`.")
def list_orders(query_data: OrderQuery):
    svc, who, q = services(), caller(), query_data
    stmt = (select(Order).where(Order.brand == who.brand).order_by(Order.created_at.desc(), Order.id.desc())
            .limit(q.limit + 1).options(selectinload(Order.items).selectinload(OrderItem.jobs)))
    if q.external_id:
        stmt = stmt.where(Order.external_id == q.external_id)
    if q.product:
        stmt = stmt.where(Order.id.in_(select(OrderItem.order_id).where(OrderItem.product.in_(q.product))))
    if q.created_after is not None:
        stmt = stmt.where(Order.created_at >= q.created_after)
    if q.created_before is not None:
        stmt = stmt.where(Order.created_at < q.created_before)
    if q.cursor:
        at, last_id = pagination.decode(q.cursor, as_datetime=True)
        stmt = stmt.where(or_(Order.created_at < at, and_(Order.created_at == at, Order.id < last_id)))
    with svc.sessions() as session:
        rows, following = pagination.page(list(session.scalars(stmt)), q.limit, lambda o: (o.created_at, o.id))
        return OrderList(orders=[order_out(o) for o in rows], next=following)


@bp.get("/v1/orders/<order_id>")
@bp.auth_required(bearer, roles=roles("shop", "production", "qa"))
@bp.output(OrderOut)
@bp.doc(summary="An order with its items, their job states and its totals")
def read_order(order_id: str):
    with services().sessions() as session:
        return order_out(get_order(session, caller().brand, order_id))


@bp.get("/v1/orders/<order_id>/events")
@bp.auth_required(bearer, roles=roles("shop", "production", "qa"))
@bp.output(EventList)
@bp.doc(summary="Every state change of the order's jobs: time, actor, reason")
def order_events(order_id: str):
    with services().sessions() as session:
        order = get_order(session, caller().brand, order_id)
        rows = session.scalars(select(Event).where(Event.order_id == order.id).order_by(Event.id))
        return EventList(events=[EventOut(at=e.at, item_id=e.item_id, job_id=e.job_id, from_state=e.from_state,
                                          to_state=e.to_state, actor=e.actor, reason=e.reason) for e in rows])


@bp.post("/v1/orders/<order_id>/items/<item_id>/cancel")
@bp.auth_required(bearer, roles=roles("shop"))
@bp.input(OptionalReason, location="json")
@bp.output(OrderOut)
@bp.doc(summary="Cancel an item before it is printed",
        description="A queued render is skipped, a running one abandoned, a finished print file void (it "
                    "leaves the production queue). The line leaves the totals and the packing slip.",
        responses={409: "Printed already, or cancelled"})
def cancel_item(order_id: str, item_id: str, json_data: OptionalReason):
    svc, who = services(), caller()
    svc.lifecycle.cancel_item(brand=who.brand, order_id=order_id, item_id=item_id, actor=actor(),
                              reason=json_data.reason)
    with svc.sessions() as session:
        return order_out(get_order(session, who.brand, order_id))


@bp.post("/v1/orders/<order_id>/cancel")
@bp.auth_required(bearer, roles=roles("shop"))
@bp.input(OptionalReason, location="json")
@bp.output(OrderOut)
@bp.doc(summary="Cancel every item of the order that is not printed yet",
        responses={409: "Every item is printed or cancelled already"})
def cancel_order(order_id: str, json_data: OptionalReason):
    svc, who = services(), caller()
    svc.lifecycle.cancel_order(brand=who.brand, order_id=order_id, actor=actor(), reason=json_data.reason)
    with svc.sessions() as session:
        return order_out(get_order(session, who.brand, order_id))


@bp.post("/v1/orders/<order_id>/items/<item_id>/image")
@bp.auth_required(bearer, roles=roles("shop"))
@bp.input(NewImage, location="json")
@bp.output(OrderOut, status_code=201)
@bp.doc(summary="A new image for a rejected or failed item: starts render version n+1",
        description="The old version's files stay where they are.", responses={409: "Item not rejected/failed"})
def replace_image(order_id: str, item_id: str, json_data: NewImage):
    svc, who = services(), caller()
    with svc.sessions() as session:
        order = get_order(session, who.brand, order_id)
        item = next((i for i in order.items if i.id == item_id), None)
        if item is None:
            raise Problem(404, "item-not-found", f"Order {order.id} has no item {item_id!r}.",
                          values={"order": order.id, "id": item_id})
        spec = ItemSpec.model_validate(item.spec)
    if json_data.slot is None:
        spec = spec.model_copy(update={"image": json_data.image})
    else:
        others = [s for s in spec.images if s.slot != json_data.slot]
        spec = spec.model_copy(update={"images": [*others, SlotImage(slot=json_data.slot, image=json_data.image)]})
    errors = _not_ready(who.brand, [spec]) or check_items([spec], who.brand, svc.catalogue,
                                                          _uploads(who.brand, [spec]))
    if errors:
        raise unprocessable([replace(e, field=e.field.replace("items[0]", "", 1).lstrip(".") or "image")
                             for e in errors])
    svc.lifecycle.replace_image(brand=who.brand, order_id=order_id, item_id=item_id,
                                spec=spec.model_dump(mode="json"), actor=actor())
    with svc.sessions() as session:
        return order_out(get_order(session, who.brand, order_id))


@bp.get("/v1/orders/<order_id>/packing-slip")
@bp.auth_required(bearer, roles=roles("shop", "production"))
@bp.doc(summary="Packing slip with invoice copy (PDF, in the order's language)",
        description="Built by the worker once an item has rendered, with each item's preview as thumbnail.",
        responses={200: {"description": "PDF", "content": {"application/pdf": {}}},
                   409: "Not built yet (no item has rendered)"})
def packing_slip(order_id: str):
    svc, who = services(), caller()
    with svc.sessions() as session:
        order = get_order(session, who.brand, order_id)
        key, name = order.packing_slip_key, f"{order.external_id}-packing-slip.pdf"
    if key is None:
        raise Problem(409, "packing-slip-pending", "The packing slip is built once an item has rendered; "
                      "try again when a job is rendered.")
    return send_file(svc.storage.open(key), mimetype="application/pdf", as_attachment=True, download_name=name,
                     max_age=0)
