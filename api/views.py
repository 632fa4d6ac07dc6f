"""Records → response models, and the brand-scoped look-ups every blueprint shares."""

from __future__ import annotations

from decimal import Decimal

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api.problems import Problem
from api.schemas import ItemOut, JobLinks, JobOut, OrderOut
from records.models import Job, Order, OrderItem
from orders.pricing import Quote, without_lines
from orders.states import JobState, order_status
from profiles.catalogue import Catalogue


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def get_order(session: Session, brand: str, order_id: str) -> Order:
    """The brand's order or a 404 (another brand's order does not exist for this caller)."""
    order = session.scalar(select(Order).where(Order.id == order_id, Order.brand == brand)
                           .options(selectinload(Order.items).selectinload(OrderItem.jobs)))
    if order is None:
        raise Problem(404, "order-not-found", f"No order {order_id!r} for this brand.")
    return order


def get_job(session: Session, brand: str, job_id: str) -> Job:
    job = session.scalar(select(Job).where(Job.id == job_id, Job.brand == brand)
                         .options(selectinload(Job.item).selectinload(OrderItem.order)))
    if job is None:
        raise Problem(404, "job-not-found", f"No job {job_id!r} for this brand.")
    return job


def current_job(item: OrderItem) -> Job:
    return next(job for job in item.jobs if job.version == item.current_version)


def payable_totals(order: Order) -> dict | None:
    """The order's totals without its cancelled lines, by the pricing code that made the quote."""
    if order.totals is None:
        return None
    cancelled = {item.position for item in order.items if item.cancelled_at is not None}
    if not cancelled:
        return order.totals
    return without_lines(Quote.model_validate(order.totals), cancelled).model_dump(mode="json")


def order_out(order: Order) -> OrderOut:
    items = []
    for item in order.items:
        job = current_job(item)
        items.append(ItemOut(id=item.id, position=item.position, product=item.product, quantity=item.quantity,
                             state=job.state, job_id=job.id, version=job.version,
                             cancelled=item.cancelled_at is not None, cancelled_at=item.cancelled_at,
                             cancel_reason=item.cancel_reason, carrier=job.carrier,
                             tracking_number=job.tracking_number,
                             unit_price=_money(item.unit_price), net=_money(item.net),
                             vat_rate=_money(item.vat_rate), vat=_money(item.vat), gross=_money(item.gross)))
    status = order_status(JobState(i.state) for i in items)
    return OrderOut(id=order.id, external_id=order.external_id, status=status.value, market=order.market,
                    language=order.language, currency=order.currency, created_at=order.created_at,
                    updated_at=order.updated_at, items=items, totals=payable_totals(order),
                    ordered_totals=order.totals, sandbox=order.sandbox)


def job_out(job: Job, catalogue: Catalogue, progress: str | None = None, *, with_report: bool = True,
            percent: int | None = None) -> JobOut:
    product = catalogue.products.get(job.item.product)
    links = JobLinks(self=url_for("jobs.get_job_view", job_id=job.id))
    if job.printfile_key:
        links.printfile = url_for("jobs.printfile", job_id=job.id)
        links.preview = url_for("jobs.preview", job_id=job.id)
        links.report = url_for("jobs.report", job_id=job.id)
    if job.overlay_key:
        links.overlay = url_for("jobs.overlay", job_id=job.id)
    address = (job.item.order.spec or {}).get("shipping_address") or {}
    return JobOut(id=job.id, order_id=job.item.order_id, order_ref=job.item.order.external_id,
                  item_id=job.item_id, version=job.version, quantity=job.item.quantity,
                  position=job.item.position, customer_name=address.get("name"), country=address.get("country"),
                  state=job.state, reason=job.reason, reason_code=job.reason_code, verdict=job.verdict,
                  reprints=job.reprints, carrier=job.carrier, tracking_number=job.tracking_number,
                  progress=progress if job.state == JobState.rendering else None,
                  progress_percent=percent if job.state == JobState.rendering else None,
                  product=job.item.product, printer=product.printer if product else None,
                  created_at=job.created_at, updated_at=job.updated_at, started_at=job.started_at,
                  finished_at=job.finished_at, report=job.report if with_report else None,
                  sandbox=job.item.order.sandbox, links=links)
