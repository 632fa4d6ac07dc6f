"""Webhooks: a shop registers endpoints for its brand's events, rotates their secrets, sends a test,
reads the delivery log and asks for a redelivery. Deliveries are signed by the Standard Webhooks
specification and sent by the relay from the outbox; this module only records."""

from __future__ import annotations

from datetime import datetime, timedelta

from apiflask import APIBlueprint
from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import select

from api.auth import bearer, roles
from api.context import caller, services
from api.problems import Problem
from records.models import DeliveryAttempt, FeedEvent, OutboxMessage, Webhook
from records.outbox import EVENT_TYPES, TEST_EVENT, WEBHOOK, webhook_message
from queues.webhooks.addresses import UrlRefused, check_url
from queues.webhooks.signing import new_secret

bp = APIBlueprint("webhooks", __name__, tag="Webhooks")
SHOP = roles("shop")
ROTATION_OVERLAP = timedelta(hours=24)


class WebhookIn(BaseModel):
    url: str = Field(max_length=2000, description="http(s) URL with a public address; redirects are not followed.")
    events: list[str] = Field(["*"], min_length=1, max_length=20,
                              description=f"`*` or some of: {', '.join(EVENT_TYPES)}.")
    description: str = Field("", max_length=200)

    @field_validator("events")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v != "*" and v not in EVENT_TYPES]
        if unknown:
            raise PydanticCustomError("unknown_event_types", "unknown event types {unknown}; use '*' or some of {known}",
                                      {"unknown": ", ".join(unknown), "known": ", ".join(EVENT_TYPES)})
        return sorted(set(value))


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    description: str
    created_at: datetime
    secret: str | None = Field(None, description="Shown once: when created and when rotated.")
    previous_secret_expires_at: datetime | None = None


class WebhookList(BaseModel):
    webhooks: list[WebhookOut]


class AttemptOut(BaseModel):
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryOut(BaseModel):
    id: int
    event_id: str
    event_type: str
    state: str = Field(description="pending, sent or failed")
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    log: list[AttemptOut]


class DeliveryList(BaseModel):
    deliveries: list[DeliveryOut]


class DeliveryQuery(BaseModel):
    limit: int = Field(50, ge=1, le=500)
    state: str | None = Field(None, pattern="^(pending|sent|failed)$")


def _out(hook: Webhook, *, secret: bool = False) -> WebhookOut:
    return WebhookOut(id=hook.id, url=hook.url, events=hook.events, description=hook.description,
                      created_at=hook.created_at, secret=hook.secret if secret else None,
                      previous_secret_expires_at=hook.previous_secret_expires_at)


def _check(url: str) -> None:
    try:
        check_url(url, allow_private=services().settings.webhooks_allow_private)
    except UrlRefused as refused:
        raise Problem(422, refused.code, refused.message, errors=[{"field": "url", "message": refused.message}]) \
            from refused


def _hook(session, webhook_id: str) -> Webhook:
    hook = session.scalar(select(Webhook).where(Webhook.id == webhook_id, Webhook.brand == caller().brand,
                                                Webhook.deleted_at.is_(None)))
    if hook is None:
        raise Problem(404, "webhook-not-found", f"No webhook {webhook_id!r} for this brand.",
                      values={"id": webhook_id})
    return hook


@bp.post("/v1/webhooks")
@bp.auth_required(bearer, roles=SHOP)
@bp.input(WebhookIn, location="json")
@bp.output(WebhookOut, status_code=201)
@bp.doc(summary="Register an endpoint for the brand's events (the secret is shown once)",
        responses={422: "URL not allowed (scheme, host, private address) or unknown event type"})
def create_webhook(json_data: WebhookIn):
    svc = services()
    _check(json_data.url)
    with svc.sessions() as session:
        hook = Webhook(brand=caller().brand, url=json_data.url, events=json_data.events,
                       description=json_data.description, secret=new_secret(), created_at=svc.clock.now())
        session.add(hook)
        session.commit()
        return _out(hook, secret=True)


@bp.get("/v1/webhooks")
@bp.auth_required(bearer, roles=SHOP)
@bp.output(WebhookList)
@bp.doc(summary="The brand's webhooks")
def list_webhooks():
    with services().sessions() as session:
        hooks = session.scalars(select(Webhook).where(Webhook.brand == caller().brand, Webhook.deleted_at.is_(None))
                                .order_by(Webhook.created_at))
        return WebhookList(webhooks=[_out(h) for h in hooks])


@bp.get("/v1/webhooks/<webhook_id>")
@bp.auth_required(bearer, roles=SHOP)
@bp.output(WebhookOut)
@bp.doc(summary="One webhook")
def read_webhook(webhook_id: str):
    with services().sessions() as session:
        return _out(_hook(session, webhook_id))


@bp.delete("/v1/webhooks/<webhook_id>")
@bp.auth_required(bearer, roles=SHOP)
@bp.output({}, status_code=204)
@bp.doc(summary="Remove a webhook; deliveries not yet sent are dropped")
def delete_webhook(webhook_id: str):
    svc = services()
    with svc.sessions() as session:
        hook = _hook(session, webhook_id)
        hook.deleted_at = svc.clock.now()
        session.commit()
    return "", 204


@bp.post("/v1/webhooks/<webhook_id>/rotate")
@bp.auth_required(bearer, roles=SHOP)
@bp.output(WebhookOut)
@bp.doc(summary="A new secret (shown once); the old one signs alongside for 24 hours")
def rotate_secret(webhook_id: str):
    svc = services()
    with svc.sessions() as session:
        hook = _hook(session, webhook_id)
        hook.previous_secret, hook.secret = hook.secret, new_secret()
        hook.previous_secret_expires_at = svc.clock.now() + ROTATION_OVERLAP
        session.commit()
        return _out(hook, secret=True)


@bp.post("/v1/webhooks/<webhook_id>/test")
@bp.auth_required(bearer, roles=SHOP)
@bp.output(DeliveryOut, status_code=202)
@bp.doc(summary="Send a `webhook.test` event to this endpoint only (not in the events feed)")
def test_webhook(webhook_id: str):
    svc = services()
    with svc.sessions() as session:
        hook = _hook(session, webhook_id)
        now = svc.clock.now()
        event = FeedEvent(brand=hook.brand, seq=None, type=TEST_EVENT, created_at=now,
                          data={"webhook_id": hook.id, "message": "Printline test delivery"})
        session.add(event)
        session.flush()
        message = webhook_message(event, hook, now)
        session.add(message)
        session.commit()
        return _delivery(session, message)


def _delivery(session, message: OutboxMessage) -> DeliveryOut:
    event = session.get(FeedEvent, message.event_id)
    attempts = session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.message_id == message.id)
                               .order_by(DeliveryAttempt.id))
    return DeliveryOut(id=message.id, event_id=message.event_id, event_type=event.type, state=message.state,
                       attempts=message.attempts,
                       next_attempt_at=message.available_at if message.state == "pending" else None,
                       last_status=message.last_status, last_error=message.last_error,
                       created_at=message.created_at, sent_at=message.sent_at,
                       log=[AttemptOut(at=a.at, status_code=a.status_code, error=a.error,
                                       duration_ms=a.duration_ms) for a in attempts])


@bp.get("/v1/webhooks/<webhook_id>/deliveries")
@bp.auth_required(bearer, roles=SHOP)
@bp.input(DeliveryQuery, location="query")
@bp.output(DeliveryList)
@bp.doc(summary="The delivery log: each event, its attempts with status codes, and the next try")
def list_deliveries(webhook_id: str, query_data: DeliveryQuery):
    with services().sessions() as session:
        hook = _hook(session, webhook_id)
        stmt = (select(OutboxMessage).where(OutboxMessage.kind == WEBHOOK, OutboxMessage.webhook_id == hook.id)
                .order_by(OutboxMessage.id.desc()).limit(query_data.limit))
        if query_data.state:
            stmt = stmt.where(OutboxMessage.state == query_data.state)
        return DeliveryList(deliveries=[_delivery(session, m) for m in session.scalars(stmt)])


@bp.post("/v1/webhooks/<webhook_id>/deliveries/<int:delivery_id>/redeliver")
@bp.auth_required(bearer, roles=SHOP)
@bp.output(DeliveryOut, status_code=202)
@bp.doc(summary="Send a delivery again now (same event id), with a fresh retry window")
def redeliver(webhook_id: str, delivery_id: int):
    svc = services()
    with svc.sessions() as session:
        hook = _hook(session, webhook_id)
        message = session.scalar(select(OutboxMessage).where(OutboxMessage.id == delivery_id,
                                                             OutboxMessage.webhook_id == hook.id))
        if message is None:
            raise Problem(404, "delivery-not-found", f"Webhook {hook.id} has no delivery {delivery_id}.",
                          values={"webhook": hook.id, "delivery": delivery_id})
        message.state, message.available_at, message.first_attempt_at = "pending", svc.clock.now(), None
        session.commit()
        return _delivery(session, message)
