"""Jobs: state and report, the files (print file, preview, overlay, report), and the people's
actions on them — QA approves or rejects, production marks printed and shipped, reprints, retries."""

from __future__ import annotations

import json
from dataclasses import dataclass

from apiflask import APIBlueprint
from flask import Response, redirect, send_file
from pydantic import BaseModel, Field
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from api import pagination
from api.auth import bearer, roles
from api.context import caller, services
from api.problems import Problem
from api.schemas import JobList, JobOut, OptionalReason, Reason, Reprint, Shipment
from api.views import get_job, job_out
from records.models import Job, Order, OrderItem
from orders.lifecycle import Actor
from orders.states import JobState

bp = APIBlueprint("jobs", __name__, tag="Jobs")
ALL = roles("shop", "production", "qa")


class JobQuery(BaseModel):
    state: list[JobState] | None = Field(None, description="e.g. `approved` for what is ready to print; "
                                         "repeat for several (`state=approved&state=printed`).")
    printer: pagination.ProfileId | None = Field(None, description="Printer profile id, e.g. `poster-inkjet`")
    product: list[pagination.ProfileId] | None = Field(None, max_length=50,
                                                       description="Product ids; repeat for several.")
    created_after: pagination.IsoTime | None = pagination.CREATED_AFTER
    created_before: pagination.IsoTime | None = pagination.CREATED_BEFORE
    cursor: str | None = pagination.CURSOR
    limit: int = Field(100, ge=1, le=1000)


@bp.get("/v1/jobs")
@bp.auth_required(bearer, roles=ALL)
@bp.input(JobQuery, location="query")
@bp.output(JobList)
@bp.doc(summary="List jobs by state, printer and product, oldest first (the production queue)",
        description="Sorted by last change; pages of `limit`, pass `next` as `cursor`. Sandbox orders' jobs "
        "are never in the production queue: a sandbox key lists only those, every other key never sees them.")
def list_jobs(query_data: JobQuery):
    svc, who, q = services(), caller(), query_data
    stmt = (select(Job).join(Job.item).join(OrderItem.order)
            .where(Job.brand == who.brand, Order.sandbox.is_(who.sandbox)).order_by(Job.updated_at, Job.id)
            .options(selectinload(Job.item).selectinload(OrderItem.order)))
    if q.state:
        stmt = stmt.where(Job.state.in_([s.value for s in q.state]))
    if q.product:
        stmt = stmt.where(OrderItem.product.in_(q.product))
    if q.printer is not None:
        products = [p.id for p in svc.catalogue.for_brand(who.brand) if p.printer == q.printer]
        stmt = stmt.where(OrderItem.product.in_(products))
    if q.created_after is not None:
        stmt = stmt.where(Job.created_at >= q.created_after)
    if q.created_before is not None:
        stmt = stmt.where(Job.created_at < q.created_before)
    if q.cursor:
        at, last_id = pagination.decode(q.cursor, as_datetime=True)
        stmt = stmt.where(or_(Job.updated_at > at, and_(Job.updated_at == at, Job.id > last_id)))
    with svc.sessions() as session:
        rows, following = pagination.page(list(session.scalars(stmt.limit(q.limit + 1))), q.limit,
                                          lambda j: (j.updated_at, j.id))
        return JobList(jobs=[job_out(j, svc.catalogue, with_report=False) for j in rows], next=following)


@bp.get("/v1/jobs/<job_id>")
@bp.auth_required(bearer, roles=ALL)
@bp.output(JobOut)
@bp.doc(summary="A job: state, timestamps, live progress while rendering, and the preflight report")
def get_job_view(job_id: str):
    svc = services()
    with svc.sessions() as session:
        job = get_job(session, caller().brand, job_id)
        return job_out(job, svc.catalogue, svc.progress.read(job.id), percent=svc.progress.percent(job.id))


def _download_name(job: Job, suffix: str) -> str:
    item = job.item
    return f"{item.order.external_id}-{item.position + 1}-{item.product}-r{job.version}{suffix}"


def _serve(job_id: str, attribute: str, mimetype: str, suffix: str, *, attachment: bool) -> Response:
    """Large print files go out as a short-lived presigned redirect where storage has URLs; previews are
    small and always streamed through the API, so browser pages need no cross-origin access to storage."""
    svc = services()
    with svc.sessions() as session:
        job = get_job(session, caller().brand, job_id)
        key, name = getattr(job, attribute), _download_name(job, suffix)
    if not key:
        raise Problem(404, "not-rendered", f"Job {job_id} has no {suffix.lstrip('.')} yet (state {job.state}).")
    url = svc.storage.url(key, expires=svc.settings.presign_seconds, filename=name) if attachment else None
    if url:
        return redirect(url, code=302)
    return send_file(svc.storage.open(key), mimetype=mimetype, as_attachment=attachment, download_name=name,
                     max_age=0)


@bp.get("/v1/jobs/<job_id>/printfile")
@bp.auth_required(bearer, roles=ALL)
@bp.doc(summary="The print file (PDF/X-4); a short-lived redirect on S3",
        responses={200: {"description": "PDF", "content": {"application/pdf": {}}}, 302: "Presigned URL"})
def printfile(job_id: str):
    return _serve(job_id, "printfile_key", "application/pdf", ".pdf", attachment=True)


@bp.get("/v1/jobs/<job_id>/preview")
@bp.auth_required(bearer, roles=ALL)
@bp.doc(summary="The sRGB soft proof (JPEG, long edge 1200 px)",
        responses={200: {"description": "JPEG", "content": {"image/jpeg": {}}}, 302: "Presigned URL"})
def preview(job_id: str):
    return _serve(job_id, "preview_key", "image/jpeg", "-preview.jpg", attachment=False)


@bp.get("/v1/jobs/<job_id>/overlay")
@bp.auth_required(bearer, roles=ALL)
@bp.doc(summary="The preview with trim line and safe zone drawn",
        responses={200: {"description": "JPEG", "content": {"image/jpeg": {}}}, 302: "Presigned URL"})
def overlay(job_id: str):
    return _serve(job_id, "overlay_key", "image/jpeg", "-overlay.jpg", attachment=False)


@bp.get("/v1/jobs/<job_id>/report")
@bp.auth_required(bearer, roles=ALL)
@bp.doc(summary="The preflight report as stored next to the print file",
        responses={200: {"description": "JSON", "content": {"application/json": {}}}})
def report(job_id: str):
    svc = services()
    with svc.sessions() as session:
        job = get_job(session, caller().brand, job_id)
        if job.report is None:
            raise Problem(404, "not-rendered", f"Job {job_id} has no report yet (state {job.state}).")
        return Response(json.dumps(job.report, ensure_ascii=False), mimetype="application/json")


def _act(job_id: str, action: str, **fields) -> JobOut:
    """A person's step, taken by the lifecycle; the job as it is afterwards."""
    svc, who = services(), caller()
    svc.lifecycle.act(action, brand=who.brand, job_id=job_id, actor=Actor(who.role, who.key_id), **fields)
    with svc.sessions() as session:
        return job_out(get_job(session, who.brand, job_id), svc.catalogue)


@dataclass(frozen=True)
class Action:
    """A person's step on a job as an endpoint: its path, the lifecycle action, who may take it, its body."""

    path: str
    action: str
    role: str
    body: type[BaseModel]
    summary: str
    conflict: str


ACTIONS = (
    Action("approve", "approve", "qa", OptionalReason, "QA: approve for print", "Not in a state QA can approve"),
    Action("reject", "reject", "qa", Reason, "QA: reject with a reason; the shop may send a new image",
           "Not in a state QA can reject"),
    Action("printed", "mark_printed", "production", OptionalReason, "Production: the job is printed",
           "Not approved"),
    Action("shipped", "mark_shipped", "production", Shipment,
           "Production: the job is shipped (carrier and tracking number go to the shop)", "Not printed"),
    Action("reprint", "reprint", "production", Reprint,
           "Production: print the same print file again (damaged print); no new render", "Not printed"),
    Action("retry", "retry", "production", OptionalReason, "Production: render a failed job again (same version)",
           "Not failed"),
)


def _register(action: Action) -> None:
    def view(job_id: str, json_data: BaseModel) -> JobOut:
        return _act(job_id, action.action, **json_data.model_dump())

    view.__name__ = action.path
    route = bp.post(f"/v1/jobs/<job_id>/{action.path}")
    guarded = bp.auth_required(bearer, roles=roles(action.role))
    documented = bp.doc(summary=action.summary, responses={409: action.conflict})
    route(guarded(bp.input(action.body, location="json")(bp.output(JobOut)(documented(view)))))


for _action in ACTIONS:
    _register(_action)
