"""Press sheets (gang sheets of cards), production's: ask for one over named jobs or a printer's approved
card jobs, follow it while a worker imposes it, download the PDF, mark it printed (its jobs with it) or
cancel it. The rules (one active sheet per job, approved card jobs only, printing) are the lifecycle's."""

from __future__ import annotations

from datetime import datetime

from apiflask import APIBlueprint
from flask import Response, redirect, send_file, url_for
from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api.auth import bearer, roles
from api.context import caller, services
from api.problems import Problem, problem_response
from api.schemas import OptionalReason
from records.models import Job, OrderItem, Sheet, SheetJob
from orders.lifecycle import Actor, SheetRefused
from orders.states import SheetState
from profiles.catalogue import Kind

bp = APIBlueprint("sheets", __name__, tag="Sheets")
PRODUCTION = roles("production")


class SheetRequest(BaseModel):
    job_ids: list[str] | None = Field(None, min_length=1, max_length=500,
                                      description="The jobs to put on the sheet (approved card jobs of one printer).")
    printer: str | None = Field(None, max_length=80, description="Or: every approved card job for this printer "
                                "not yet on an active sheet, e.g. `card-digital`.")
    product: str | None = Field(None, max_length=80, description="With `printer`: only this card product.")

    @model_validator(mode="after")
    def _one_way(self) -> SheetRequest:
        if (self.job_ids is None) == (self.printer is None):
            raise PydanticCustomError("sheet_jobs_or_printer", "give either `job_ids` or `printer`")
        if self.product is not None and self.printer is None:
            raise PydanticCustomError("sheet_product_with_printer", "`product` goes with `printer`")
        return self


class SheetQuery(BaseModel):
    state: SheetState | None = None
    printer: str | None = None
    limit: int = Field(100, ge=1, le=1000)


class SheetJobOut(BaseModel):
    job_id: str
    order_id: str
    order_ref: str = Field(description="The shop's order number (external_id).")
    item_id: str
    product: str
    quantity: int = Field(description="Copies of this job on the sheet.")
    state: str = Field(description="The job's state now.")


class SheetLinks(BaseModel):
    self: str
    file: str | None = None


class SheetOut(BaseModel):
    id: str
    state: SheetState
    reason: str | None = Field(None, description="Why it failed or was cancelled, for a person.")
    reason_code: str | None = Field(None, description="e.g. `stale` (a job on it was cancelled: build anew).")
    printer: str
    product: str | None = None
    cards: int = Field(description="Copies on the sheet run: the sum of the jobs' quantities.")
    sheets: int | None = Field(None, description="Physical press sheets, once built.")
    per_sheet: dict[str, int] | None = Field(None, description="Card format -> cards per press sheet.")
    paper_use: dict[str, float] | None = Field(None, description="Card format -> share of the sheet that is cards.")
    jobs: list[SheetJobOut]
    requested_by: str
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None
    printed_at: datetime | None = None
    links: SheetLinks


class SheetList(BaseModel):
    sheets: list[SheetOut]


@bp.errorhandler(SheetRefused)
def _refused(exc: SheetRefused):
    return problem_response(exc.status, exc.code, exc.message, jobs=exc.jobs)


def _load(session: Session, brand: str, sheet_id: str) -> Sheet:
    sheet = session.scalar(select(Sheet).where(Sheet.id == sheet_id, Sheet.brand == brand).options(_jobs()))
    if sheet is None:
        raise Problem(404, "sheet-not-found", f"No sheet {sheet_id!r} for this brand.", values={"id": sheet_id})
    return sheet


def _jobs():
    return (selectinload(Sheet.jobs).selectinload(SheetJob.job).selectinload(Job.item)
            .selectinload(OrderItem.order))


def sheet_out(sheet: Sheet) -> SheetOut:
    links = SheetLinks(self=url_for("sheets.get_sheet", sheet_id=sheet.id))
    if sheet.file_key and sheet.state in (SheetState.ready, SheetState.printed):
        links.file = url_for("sheets.sheet_file", sheet_id=sheet.id)
    jobs = [SheetJobOut(job_id=row.job_id, order_id=row.job.item.order_id, order_ref=row.job.item.order.external_id,
                        item_id=row.job.item_id, product=row.job.item.product, quantity=row.quantity,
                        state=row.job.state) for row in sheet.jobs]
    return SheetOut(id=sheet.id, state=SheetState(sheet.state), reason=sheet.reason, reason_code=sheet.reason_code,
                    printer=sheet.printer, product=sheet.product, cards=sheet.cards, sheets=sheet.sheets,
                    per_sheet=sheet.per_sheet, paper_use=sheet.paper_use, jobs=jobs,
                    requested_by=sheet.requested_by, created_at=sheet.created_at, updated_at=sheet.updated_at,
                    finished_at=sheet.finished_at, printed_at=sheet.printed_at, links=links)


def _view(sheet_id: str) -> SheetOut:
    svc = services()
    with svc.sessions() as session:
        return sheet_out(_load(session, caller().brand, sheet_id))


@bp.post("/v1/sheets")
@bp.auth_required(bearer, roles=PRODUCTION)
@bp.input(SheetRequest, location="json")
@bp.output(SheetOut, status_code=202, description="Accepted: a worker imposes it (state `building`).")
@bp.doc(summary="Production: ask for gang sheets of approved card jobs (named, or all of a printer's)",
        responses={404: "A named job does not exist for this brand",
                   409: "A job is not approved or sits on another active sheet (`jobs` names them)",
                   422: "A job is not a card, or the jobs print on different printers"})
def request_sheet(json_data: SheetRequest):
    svc, who = services(), caller()
    cards = {p.id: p.printer for p in svc.catalogue.for_brand(who.brand) if p.kind is Kind.card}
    sheet_id = svc.lifecycle.request_sheet(brand=who.brand, actor=Actor(who.role, who.key_id), cards=cards,
                                           job_ids=json_data.job_ids, printer=json_data.printer,
                                           product=json_data.product)
    body = _view(sheet_id)
    return body, 202, {"Location": body.links.self}


@bp.get("/v1/sheets")
@bp.auth_required(bearer, roles=PRODUCTION)
@bp.input(SheetQuery, location="query")
@bp.output(SheetList)
@bp.doc(summary="List sheets, newest first (by state and printer)")
def list_sheets(query_data: SheetQuery):
    svc, who = services(), caller()
    stmt = select(Sheet).where(Sheet.brand == who.brand).order_by(Sheet.created_at.desc(), Sheet.id.desc())
    if query_data.state is not None:
        stmt = stmt.where(Sheet.state == query_data.state.value)
    if query_data.printer is not None:
        stmt = stmt.where(Sheet.printer == query_data.printer)
    with svc.sessions() as session:
        sheets = session.scalars(stmt.limit(query_data.limit).options(_jobs())).all()
        return SheetList(sheets=[sheet_out(s) for s in sheets])


@bp.get("/v1/sheets/<sheet_id>")
@bp.auth_required(bearer, roles=PRODUCTION)
@bp.output(SheetOut)
@bp.doc(summary="A sheet: state (and reason), its jobs with quantities, sheet count, cards per sheet, paper use")
def get_sheet(sheet_id: str):
    return _view(sheet_id)


@bp.get("/v1/sheets/<sheet_id>/file")
@bp.auth_required(bearer, roles=PRODUCTION)
@bp.doc(summary="The sheets' PDF/X-4 (all press sheets, front and back); a short-lived redirect on S3",
        responses={200: {"description": "PDF", "content": {"application/pdf": {}}}, 302: "Presigned URL",
                   404: "Not built (yet)", 409: "Cancelled: build a new sheet"})
def sheet_file(sheet_id: str) -> Response:
    svc = services()
    with svc.sessions() as session:
        sheet = _load(session, caller().brand, sheet_id)
        key, state, printer, reason = sheet.file_key, sheet.state, sheet.printer, sheet.reason
    if state == SheetState.cancelled:
        raise Problem(409, "sheet-cancelled", f"Sheet {sheet_id} is cancelled ({reason}); do not print it, "
                      "ask for a new sheet.", state=state, values={"sheet": sheet_id, "reason": reason})
    if not key:
        raise Problem(404, "not-built", f"Sheet {sheet_id} has no file (state {state}).", state=state,
                      values={"sheet": sheet_id, "state": state})
    name = f"{sheet_id}-{printer}.pdf"
    url = svc.storage.url(key, expires=svc.settings.presign_seconds, filename=name)
    if url:
        return redirect(url, code=302)
    return send_file(svc.storage.open(key), mimetype="application/pdf", as_attachment=True, download_name=name,
                     max_age=0)


@bp.post("/v1/sheets/<sheet_id>/printed")
@bp.auth_required(bearer, roles=PRODUCTION)
@bp.input(OptionalReason, location="json")
@bp.output(SheetOut)
@bp.doc(summary="Production: the sheet is printed; each of its jobs is marked printed (one transaction)",
        responses={409: "Not ready"})
def sheet_printed(sheet_id: str, json_data: OptionalReason):
    who = caller()
    services().lifecycle.mark_sheet_printed(brand=who.brand, sheet_id=sheet_id, actor=Actor(who.role, who.key_id),
                                            reason=json_data.reason)
    return _view(sheet_id)


@bp.post("/v1/sheets/<sheet_id>/cancel")
@bp.auth_required(bearer, roles=PRODUCTION)
@bp.input(OptionalReason, location="json")
@bp.output(SheetOut)
@bp.doc(summary="Production: drop a building or ready sheet; its jobs stay approved, free for another sheet",
        responses={409: "Printed, failed or cancelled already"})
def cancel_sheet(sheet_id: str, json_data: OptionalReason):
    who = caller()
    services().lifecycle.cancel_sheet(brand=who.brand, sheet_id=sheet_id, actor=Actor(who.role, who.key_id),
                                      reason=json_data.reason)
    return _view(sheet_id)
