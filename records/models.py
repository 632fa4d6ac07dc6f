"""The tables: API keys, uploads, orders, items, jobs (one per render version), the audit trail of
state changes (events), the shop's event feed, webhooks, and the outbox that carries render messages
and webhook deliveries out after the commit."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from records.types import UTCDateTime

MONEY = Numeric(12, 2)
RATE = Numeric(5, 2)


def new_id(prefix: str) -> str:
    """A random id that says what it is: `ord_…`, `itm_…`, `job_…`, `upl_…`, `key_…`."""
    return f"{prefix}_{uuid.uuid4().hex[:24]}"


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), Decimal: MONEY}


class ApiKey(Base):
    """A key of one brand and one role; only the SHA-256 of the secret is kept."""

    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("key"))
    brand: Mapped[str] = mapped_column(String(40), index=True)
    role: Mapped[str] = mapped_column(String(20))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(),
                                          doc="Its orders are sandbox orders: rendered, never produced.")


class Upload(Base):
    """An original image, content-addressed by SHA-256 within its brand. A direct upload is `ready` at
    once (one record per brand and content); one fetched from `source_url` is `fetching`, then `ready`
    (the probe's fields set, the same storage key as a direct upload of the same bytes) or `failed`."""

    __tablename__ = "uploads"
    __table_args__ = (Index("uq_upload_brand_sha256_direct", "brand", "sha256", unique=True,
                            sqlite_where=text("source_url IS NULL"), postgresql_where=text("source_url IS NULL")),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("upl"))
    brand: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str | None] = mapped_column(String(64))
    storage_key: Mapped[str | None] = mapped_column(String(300))
    size: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(100))
    format: Mapped[str | None] = mapped_column(String(20))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    upright_width: Mapped[int | None] = mapped_column(Integer)
    upright_height: Mapped[int | None] = mapped_column(Integer)
    filename: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(10), default="ready", server_default="ready")
    source_url: Mapped[str | None] = mapped_column(String(2000))
    failure_code: Mapped[str | None] = mapped_column(String(60))
    failure: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None]


class Order(Base):
    """One shop order as received; its status is derived from its items' jobs."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("brand", "external_id", name="uq_order_brand_external_id"),
        UniqueConstraint("brand", "idempotency_key", name="uq_order_brand_idempotency_key"),
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("ord"))
    brand: Mapped[str] = mapped_column(String(40), index=True)
    external_id: Mapped[str] = mapped_column(String(100))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    market: Mapped[str] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(3))
    customer_type: Mapped[str] = mapped_column(String(3))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON, doc="The validated request body, as received.")
    totals: Mapped[dict[str, Any] | None] = mapped_column(JSON, doc="The quote the order was placed at.")
    packing_slip_key: Mapped[str | None] = mapped_column(String(300), doc="Newest packing slip in storage.")
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(),
                                          doc="Placed with a sandbox key: rendered, never produced.")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", order_by="OrderItem.position", cascade="all, delete-orphan"
    )


class OrderItem(Base):
    """One order line; keeps the price, tax rate and basis it was sold at."""

    __tablename__ = "order_items"
    __table_args__ = (UniqueConstraint("order_id", "position", name="uq_item_order_position"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("itm"))
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    product: Mapped[str] = mapped_column(String(80))
    quantity: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    unit_price: Mapped[Decimal | None] = mapped_column(MONEY)
    net: Mapped[Decimal | None] = mapped_column(MONEY)
    vat_rate: Mapped[Decimal | None] = mapped_column(RATE)
    vat: Mapped[Decimal | None] = mapped_column(MONEY)
    gross: Mapped[Decimal | None] = mapped_column(MONEY)
    price_basis: Mapped[str | None] = mapped_column(String(5), doc="'gross' (B2C) or 'net' (B2B)")
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    order: Mapped[Order] = relationship(back_populates="items")
    jobs: Mapped[list[Job]] = relationship(back_populates="item", order_by="Job.version")


class Job(Base):
    """One render version of an item, with its state, report and file keys."""

    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("item_id", "version", name="uq_job_item_version"),
                      Index("ix_jobs_state_updated", "state", "updated_at"))
    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("job"))
    item_id: Mapped[str] = mapped_column(ForeignKey("order_items.id", ondelete="CASCADE"), index=True)
    brand: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(60), doc="Why it failed, rejected or was cancelled.")
    verdict: Mapped[str | None] = mapped_column(String(4))
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    printfile_key: Mapped[str | None] = mapped_column(String(300))
    preview_key: Mapped[str | None] = mapped_column(String(300))
    overlay_key: Mapped[str | None] = mapped_column(String(300))
    report_key: Mapped[str | None] = mapped_column(String(300))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    reprints: Mapped[int] = mapped_column(Integer, default=0, doc="Times production sent it back to print.")
    carrier: Mapped[str | None] = mapped_column(String(100))
    tracking_number: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    item: Mapped[OrderItem] = relationship(back_populates="jobs")


class Event(Base):
    """A state transition: when, who, why. Nothing is ever updated here, only added."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str | None] = mapped_column(String(40), index=True)
    job_id: Mapped[str | None] = mapped_column(String(40), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class BrandCounter(Base):
    """The last feed sequence number of a brand; its row is locked while an event takes the next one,
    so a brand's events commit in `seq` order and the feed never shows a later number before an earlier."""

    __tablename__ = "brand_counters"
    brand: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class FeedEvent(Base):
    """One event told to the shop (webhooks and `GET /v1/events`): the same object on both ways."""

    __tablename__ = "feed_events"
    __table_args__ = (UniqueConstraint("brand", "seq", name="uq_feed_brand_seq"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("evt"))
    brand: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int | None] = mapped_column(BigInteger, doc="Rises per brand; None for a webhook test ping.")
    type: Mapped[str] = mapped_column(String(60))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(),
                                          doc="An event of a sandbox order (`\"sandbox\": true` in the object).")


class Webhook(Base):
    """A shop's endpoint for the events of its brand. The secret signs (Standard Webhooks); after a
    rotation the previous one signs alongside until `previous_secret_expires_at`."""

    __tablename__ = "webhooks"
    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("whk"))
    brand: Mapped[str] = mapped_column(String(40), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(String(200), default="")
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """A side effect written in the transaction of the change it announces, sent by the relay after the
    commit: `render` (a job id for the render queue), `slip` (rebuild an order's packing slip, a worker's
    task since the API never renders), `sheet` (impose a press sheet) or `webhook` (one event to one webhook). Rows are
    kept as the delivery log; `state` is pending until sent, then `sent`, or `failed` when retries end."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "state", "available_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    brand: Mapped[str] = mapped_column(String(40))
    job_id: Mapped[str | None] = mapped_column(String(40))
    order_id: Mapped[str | None] = mapped_column(String(40))
    sheet_id: Mapped[str | None] = mapped_column(String(40), doc="For `sheet` messages: the sheet to build.")
    event_id: Mapped[str | None] = mapped_column(ForeignKey("feed_events.id", ondelete="CASCADE"))
    webhook_id: Mapped[str | None] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime]
    first_attempt_at: Mapped[datetime | None]
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class DeliveryAttempt(Base):
    """One HTTP attempt of a webhook delivery: when, what came back, how long it took."""

    __tablename__ = "delivery_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(200))
    duration_ms: Mapped[int] = mapped_column(Integer)


class Sheet(Base):
    """A press sheet run of card jobs (gang sheets): asked for by production, imposed by a worker, printed
    as a whole. `state` follows `orders.states.SHEET_RULES`; the PDF is at `file_key` once `ready`."""

    __tablename__ = "sheets"
    __table_args__ = (Index("ix_sheets_brand_state", "brand", "state"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("sht"))
    brand: Mapped[str] = mapped_column(String(40))
    printer: Mapped[str] = mapped_column(String(80))
    product: Mapped[str | None] = mapped_column(String(80), doc="The product filter it was asked with, if any.")
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text, doc="Why it failed or was cancelled, for a person.")
    reason_code: Mapped[str | None] = mapped_column(String(60))
    cards: Mapped[int] = mapped_column(Integer, doc="Copies on it: the sum of its jobs' quantities.")
    sheets: Mapped[int | None] = mapped_column(Integer, doc="Physical press sheets, once built.")
    per_sheet: Mapped[dict[str, Any] | None] = mapped_column(JSON, doc="Card format -> cards per sheet.")
    paper_use: Mapped[dict[str, Any] | None] = mapped_column(JSON, doc="Card format -> trim area / sheet area.")
    file_key: Mapped[str | None] = mapped_column(String(300))
    requested_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    printed_at: Mapped[datetime | None]
    jobs: Mapped[list[SheetJob]] = relationship(back_populates="sheet", order_by="SheetJob.position",
                                                cascade="all, delete-orphan")


class SheetJob(Base):
    """A job on a sheet, with the copies printed of it. `active` is True while the sheet is building or
    ready and NULL after: the unique (job_id, active) pair lets a job sit on one active sheet at most
    (NULLs never collide, on SQLite and PostgreSQL alike), beside any number of past ones."""

    __tablename__ = "sheet_jobs"
    __table_args__ = (UniqueConstraint("sheet_id", "job_id", name="uq_sheet_job"),
                      UniqueConstraint("job_id", "active", name="uq_sheet_job_active"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sheet_id: Mapped[str] = mapped_column(ForeignKey("sheets.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool | None]
    sheet: Mapped[Sheet] = relationship(back_populates="jobs")
    job: Mapped[Job] = relationship()


class SheetEvent(Base):
    """A sheet's state change: when, who, why (the jobs' own changes are in `events`). Only added."""

    __tablename__ = "sheet_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sheet_id: Mapped[str] = mapped_column(ForeignKey("sheets.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]
