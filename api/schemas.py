"""Response models: the API's contract, documented in the OpenAPI 3.1 document it serves."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from vocab.spec import ImageRef


class UploadOut(BaseModel):
    id: str
    state: Literal["fetching", "ready", "failed"] = Field("ready", description="A direct upload is `ready` at "
                                                          "once; one sent as a URL is `fetching` first. An order "
                                                          "may name it only when `ready`.")
    sha256: str | None = None
    width: int | None = Field(None, description="Stored width in pixels.")
    height: int | None = Field(None, description="Stored height in pixels.")
    upright_width: int | None = Field(None, description="Width after EXIF orientation; crops refer to this.")
    upright_height: int | None = None
    format: str | None = None
    size: int | None = Field(None, description="Bytes.")
    source_url: str | None = Field(None, description="Where it was fetched from (URL uploads).")
    failure_code: str | None = Field(None, description="Why a URL upload `failed`, e.g. `fetch-timeout`.")
    failure: str | None = Field(None, description="The same for a person.")
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
    quantity: int = Field(description="Copies ordered: print this many.")
    position: int | None = Field(None, description="The item's line in its order, from 0.")
    customer_name: str | None = Field(None, description="The shipping address's name (for the packer).")
    country: str | None = Field(None, description="The shipping address's country (ISO 3166-1 alpha-2).")
    state: str
    reason: str | None = Field(None, description="Why it failed, was rejected or cancelled, for a person.")
    reason_code: str | None = Field(None, description="The same as a stable code, e.g. `image-problem`.")
    verdict: str | None = None
    progress: str | None = Field(None, description="While rendering: the stage (downloading, a render step, "
                                 "storing).")
    progress_percent: int | None = Field(None, ge=0, le=100, description="While rendering: 0-100.")
    product: str
    printer: str | None = None
    reprints: int = Field(0, description="Times production sent it back to print.")
    carrier: str | None = None
    tracking_number: str | None = None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    report: dict[str, Any] | None = None
    sandbox: bool = Field(False, description="A sandbox order's job: rendered, never produced.")
    links: JobLinks


NEXT = Field(None, description="Pass as `cursor` for the next page; null on the last page.")


class JobList(BaseModel):
    jobs: list[JobOut]
    next: str | None = NEXT


class ItemOut(BaseModel):
    id: str
    position: int
    product: str
    quantity: int
    state: str
    job_id: str
    version: int
    cancelled: bool = False
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    carrier: str | None = None
    tracking_number: str | None = None
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
    totals: dict[str, Any] | None = Field(None, description="What is payable now: the lines not cancelled.")
    ordered_totals: dict[str, Any] | None = Field(None, description="The quote the order was placed at.")
    sandbox: bool = Field(False, description="Placed with a sandbox key: rendered (print files say SANDBOX), "
                          "never in the production queue.")


class OrderList(BaseModel):
    orders: list[OrderOut]
    next: str | None = NEXT


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


class Shipment(BaseModel):
    reason: str | None = Field(None, max_length=2000)
    carrier: str | None = Field(None, max_length=100, description="e.g. DHL, DPD, Swiss Post.")
    tracking_number: str | None = Field(None, max_length=200)


class Reprint(BaseModel):
    reason: str = Field(min_length=3, max_length=2000, description="What went wrong with the print.")


class NewImage(BaseModel):
    """A new photo for a rejected (or failed) item: starts a new render version."""

    image: ImageRef = Field(description="An `image` object as in an order item.")
    slot: str | None = Field(None, description="The slot to replace (cards); default the main image.")


class Health(BaseModel):
    status: str
    checks: dict[str, str] = Field(default_factory=dict)
