"""Response models: the API's contract, documented in the OpenAPI 3.1 document it serves."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from orders.spec import ImageRef


class UploadOut(BaseModel):
    id: str
    sha256: str
    width: int = Field(description="Stored width in pixels.")
    height: int = Field(description="Stored height in pixels.")
    upright_width: int = Field(description="Width after EXIF orientation; crops refer to this.")
    upright_height: int
    format: str
    size: int = Field(description="Bytes.")
    created_at: datetime


class JobLinks(BaseModel):
    self: str
    printfile: str | None = None
    preview: str | None = None
    overlay: str | None = None
    report: str | None = None


class JobOut(BaseModel):
    id: str
    order_id: str
    order_ref: str = Field(description="The shop's order number (external_id).")
    item_id: str
    version: int
    state: str
    reason: str | None = None
    verdict: str | None = None
    progress: str | None = None
    product: str
    printer: str | None = None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    report: dict[str, Any] | None = None
    links: JobLinks


class JobList(BaseModel):
    jobs: list[JobOut]


class ItemOut(BaseModel):
    id: str
    position: int
    product: str
    quantity: int
    state: str
    job_id: str
    version: int
    unit_price: str | None = None
    net: str | None = None
    vat_rate: str | None = None
    vat: str | None = None
    gross: str | None = None


class OrderOut(BaseModel):
    id: str
    external_id: str
    status: str
    market: str
    language: str
    currency: str
    created_at: datetime
    updated_at: datetime
    items: list[ItemOut]
    totals: dict[str, Any] | None = None


class OrderList(BaseModel):
    orders: list[OrderOut]


class EventOut(BaseModel):
    at: datetime
    item_id: str | None
    job_id: str | None
    from_state: str | None
    to_state: str
    actor: str
    reason: str | None


class EventList(BaseModel):
    events: list[EventOut]


class Reason(BaseModel):
    reason: str = Field(min_length=3, max_length=2000, description="Why; shown to the shop and in events.")


class OptionalReason(BaseModel):
    reason: str | None = Field(None, max_length=2000)


class NewImage(BaseModel):
    """A new photo for a rejected (or failed) item: starts a new render version."""

    image: ImageRef = Field(description="An `image` object as in an order item.")
    slot: str | None = Field(None, description="The slot to replace (cards); default the main image.")


class Health(BaseModel):
    status: str
    checks: dict[str, str] = Field(default_factory=dict)
