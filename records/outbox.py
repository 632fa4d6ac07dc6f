"""Rows written beside a state change, in its transaction: the feed event the shop is told (with the
brand's next `seq`) and the outbox messages that carry it out — a render message for the queue, one
webhook delivery per subscribed endpoint. Nothing here sends anything; the relay does, after the commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from records.models import BrandCounter, FeedEvent, OutboxMessage, Webhook

RENDER, SLIP, WEBHOOK = "render", "slip", "webhook"
SHEET = "sheet"
EVENT_TYPES = ("order.created", "order.cancelled", "item.cancelled", "job.state_changed",
               "sheet.state_changed")
TEST_EVENT = "webhook.test"
PENDING, SENT, FAILED = "pending", "sent", "failed"


def next_seq(session: Session, brand: str) -> int:
    """The brand's next feed number. The counter row stays locked until the commit, so two
    transactions of one brand take their numbers one after the other and commit in that order."""
    counter = session.get(BrandCounter, brand, with_for_update=True)
    if counter is None:
        try:
            with session.begin_nested():
                session.add(BrandCounter(brand=brand, last_seq=0))
        except IntegrityError:
            pass  # another transaction made it first; lock theirs
        counter = session.get(BrandCounter, brand, with_for_update=True, populate_existing=True)
    counter.last_seq += 1
    return counter.last_seq


def subscribed(webhook: Webhook, event_type: str) -> bool:
    return "*" in webhook.events or event_type in webhook.events


def emit(session: Session, brand: str, event_type: str, data: dict[str, Any], at: datetime, *,
         sandbox: bool = False) -> FeedEvent:
    """Record a feed event and one webhook delivery for each live endpoint of the brand that wants it;
    an event of a sandbox order says so (`"sandbox": true` at the top of the event object)."""
    event = FeedEvent(brand=brand, seq=next_seq(session, brand), type=event_type, data=data, created_at=at,
                      sandbox=sandbox)
    session.add(event)
    session.flush()
    hooks = session.scalars(select(Webhook).where(Webhook.brand == brand, Webhook.deleted_at.is_(None)))
    for webhook in hooks:
        if subscribed(webhook, event_type):
            session.add(webhook_message(event, webhook, at))
    return event


def webhook_message(event: FeedEvent, webhook: Webhook, at: datetime) -> OutboxMessage:
    return OutboxMessage(kind=WEBHOOK, brand=event.brand, event_id=event.id, webhook_id=webhook.id,
                         state=PENDING, attempts=0, available_at=at, created_at=at)


def render_message(session: Session, brand: str, job_id: str, at: datetime, *,
                   delay: timedelta = timedelta(0)) -> OutboxMessage:
    """A render message for the queue, sent no earlier than `at + delay` (a retry's backoff)."""
    message = OutboxMessage(kind=RENDER, brand=brand, job_id=job_id, state=PENDING, attempts=0,
                            available_at=at + delay, created_at=at)
    session.add(message)
    return message


def slip_message(session: Session, brand: str, order_id: str, at: datetime) -> OutboxMessage:
    """Ask a worker to rebuild the order's packing slip (a line was cancelled)."""
    message = OutboxMessage(kind=SLIP, brand=brand, order_id=order_id, state=PENDING, attempts=0,
                            available_at=at, created_at=at)
    session.add(message)
    return message


def sheet_message(session: Session, brand: str, sheet_id: str, at: datetime) -> OutboxMessage:
    """Ask a worker to impose a press sheet (production asked for it)."""
    message = OutboxMessage(kind=SHEET, brand=brand, sheet_id=sheet_id, state=PENDING, attempts=0,
                            available_at=at, created_at=at)
    session.add(message)
    return message


def event_object(event: FeedEvent) -> dict[str, Any]:
    """The event as the shop sees it, the same in a webhook delivery and in `GET /v1/events`."""
    out = {"id": event.id, "type": event.type, "seq": event.seq,
           "created_at": event.created_at.isoformat().replace("+00:00", "Z"), "data": event.data}
    if event.sandbox:
        out["sandbox"] = True
    return out
