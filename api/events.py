"""The events feed: the same event objects the webhooks deliver, in `seq` order, for the caller's
brand only, so a shop can catch up after an outage (`after` = the last seq it processed)."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from pydantic import BaseModel, Field
from sqlalchemy import select

from api import pagination
from api.auth import bearer, roles
from api.context import caller, services
from records.models import FeedEvent
from records.outbox import event_object

bp = APIBlueprint("events", __name__, tag="Events")


class EventQuery(BaseModel):
    after: int = Field(0, ge=0, description="Only events with a higher seq (the last one you processed).")
    cursor: str | None = pagination.CURSOR
    type: list[str] | None = Field(None, description="Only these event types; repeat for several.")
    limit: int = Field(100, ge=1, le=1000)


class FeedEventOut(BaseModel):
    id: str = Field(description="Also the `webhook-id` of its deliveries.")
    type: str
    seq: int
    created_at: str
    data: dict[str, Any]
    sandbox: bool = Field(False, description="An event of a sandbox order (webhooks carry `\"sandbox\": true` "
                          "only then).")


class FeedPage(BaseModel):
    events: list[FeedEventOut]
    next_after: int = Field(description="Pass as `after` for the next page (the last seq here, or yours).")
    next: str | None = Field(None, description="Pass as `cursor` for the next page; null when there is "
                             "nothing more now (poll again with `after`).")


@bp.get("/v1/events")
@bp.auth_required(bearer, roles=roles("shop"))
@bp.input(EventQuery, location="query")
@bp.output(FeedPage)
@bp.doc(summary="The brand's events after a sequence number, oldest first")
def list_events(query_data: EventQuery):
    q = query_data
    after = q.after
    if q.cursor:
        seq, _ = pagination.decode(q.cursor)
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise pagination.invalid()
        after = max(after, seq)
    stmt = select(FeedEvent).where(FeedEvent.brand == caller().brand, FeedEvent.seq > after)
    if q.type:
        stmt = stmt.where(FeedEvent.type.in_(q.type))
    with services().sessions() as session:
        rows, following = pagination.page(list(session.scalars(stmt.order_by(FeedEvent.seq).limit(q.limit + 1))),
                                          q.limit, lambda e: (e.seq, e.id))
        events = [FeedEventOut(**event_object(e)) for e in rows]
    return FeedPage(events=events, next_after=events[-1].seq if events else after, next=following)
