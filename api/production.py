"""What the people's pages need beyond one job at a time: who the key is (`/v1/whoami`), production's
bulk steps (each job's change through the lifecycle, answered per job) and one streamed ZIP of print
files and packing slips, named by order reference."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from contextlib import closing
from typing import Literal

from apiflask import APIBlueprint
from flask import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from api.auth import bearer, roles
from api.context import caller, services
from api.problems import Problem
from records.models import Job, OrderItem
from orders.lifecycle import ActionRefused, Actor, NotFound
from orders.states import IllegalTransition
from storage.disposition import content_disposition

bp = APIBlueprint("production", __name__, tag="Production")
MAX_JOBS = 500
CHUNK = 1 << 20


class WhoAmI(BaseModel):
    brand: str
    role: str
    key_id: str


class BulkJob(BaseModel):
    id: str = Field(max_length=64)
    carrier: str | None = Field(None, max_length=100)
    tracking_number: str | None = Field(None, max_length=200)


class Bulk(BaseModel):
    action: Literal["mark_printed", "mark_shipped", "retry"]
    jobs: list[BulkJob] = Field(min_length=1, max_length=MAX_JOBS)
    reason: str | None = Field(None, max_length=2000)


class BulkResult(BaseModel):
    id: str
    ok: bool
    state: str | None = None
    code: str | None = Field(None, description="Why it was refused, e.g. `illegal-transition`.")
    detail: str | None = None


class BulkOut(BaseModel):
    done: int
    refused: int
    results: list[BulkResult]


class Download(BaseModel):
    jobs: list[str] = Field(min_length=1, max_length=MAX_JOBS)
    packing_slips: bool = Field(True, description="Add each order's packing slip once.")


@bp.get("/v1/whoami")
@bp.auth_required(bearer, roles=roles("shop", "production", "qa"))
@bp.output(WhoAmI)
@bp.doc(summary="The calling key: its brand, role and id (the pages check the role with it)")
def whoami():
    who = caller()
    return WhoAmI(brand=who.brand, role=who.role, key_id=who.key_id)


def _states(job_ids: Iterable[str], brand: str) -> dict[str, str]:
    svc = services()
    with svc.sessions() as session:
        rows = session.execute(select(Job.id, Job.state).where(Job.brand == brand, Job.id.in_(list(job_ids))))
        return {row.id: row.state for row in rows}


@bp.post("/v1/production/bulk")
@bp.auth_required(bearer, roles=roles("production"))
@bp.input(Bulk, location="json")
@bp.output(BulkOut)
@bp.doc(summary="Production: mark several jobs printed or shipped (tracking per job), or retry failed ones",
        description="Each job is its own lifecycle step: one refused step (state, cancelled, superseded) "
        "does not stop the others; the answer lists every job's outcome.")
def bulk(json_data: Bulk):
    svc, who = services(), caller()
    actor = Actor(who.role, who.key_id)
    results: list[BulkResult] = []
    for job in json_data.jobs:
        fields = {"carrier": job.carrier, "tracking_number": job.tracking_number} \
            if json_data.action == "mark_shipped" else {}
        try:
            svc.lifecycle.act(json_data.action, brand=who.brand, job_id=job.id, actor=actor,
                              reason=json_data.reason, **fields)
            results.append(BulkResult(id=job.id, ok=True))
        except (ActionRefused, NotFound) as exc:
            results.append(BulkResult(id=job.id, ok=False, code=exc.code, detail=exc.message))
        except IllegalTransition as exc:
            results.append(BulkResult(id=job.id, ok=False, code="illegal-transition", detail=str(exc)))
    states = _states((r.id for r in results), who.brand)
    for result in results:
        result.state = states.get(result.id)
    done = sum(r.ok for r in results)
    return BulkOut(done=done, refused=len(results) - done, results=results)


def file_name(order_ref: str, position: int, product: str, quantity: int) -> str:
    """A print file's name in downloads: `MP-2026-000123-1-poster-50x70-x3.pdf`."""
    return f"{order_ref}-{position + 1}-{product}-x{quantity}.pdf"


class _Sink:
    """A write-only file for zipfile that hands out what was written (zipfile streams when it cannot seek)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def zip_stream(storage, entries: list[tuple[str, str]]) -> Iterator[bytes]:
    """A ZIP (stored, ZIP64, data descriptors) of `(name, storage key)` entries, chunk by chunk."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, key in entries:
            with closing(storage.open(key)) as source, archive.open(name, "w", force_zip64=True) as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    yield sink.take()
            yield sink.take()
    yield sink.take()


def _entries(job_ids: list[str], brand: str, slips: bool) -> list[tuple[str, str]]:
    svc = services()
    with svc.sessions() as session:
        jobs = {j.id: j for j in session.scalars(
            select(Job).where(Job.brand == brand, Job.id.in_(job_ids))
            .options(selectinload(Job.item).selectinload(OrderItem.order)))}
        missing = [i for i in job_ids if i not in jobs]
        if missing:
            raise Problem(404, "job-not-found", f"No job {', '.join(missing[:10])} for this brand.")
        unrendered = [i for i in job_ids if not jobs[i].printfile_key]
        if unrendered:
            raise Problem(409, "not-rendered", f"No print file yet for {', '.join(unrendered[:10])}.")
        entries, seen, orders = [], set(), set()
        for job_id in dict.fromkeys(job_ids):
            job = jobs[job_id]
            item, order = job.item, job.item.order
            name = file_name(order.external_id, item.position, item.product, item.quantity)
            if name in seen:  # a reprint of the same line, or an older version asked for too
                name = name.removesuffix(".pdf") + f"-r{job.version}.pdf"
            seen.add(name)
            entries.append((name, job.printfile_key))
            if slips and order.packing_slip_key and order.id not in orders:
                orders.add(order.id)
                entries.append((f"{order.external_id}-packing-slip.pdf", order.packing_slip_key))
    return entries


@bp.post("/v1/production/download")
@bp.auth_required(bearer, roles=roles("production"))
@bp.input(Download, location="json")
@bp.doc(summary="Production: several jobs' print files and their orders' packing slips as one ZIP (streamed)",
        description="Print files are named `{order_ref}-{line}-{product}-x{quantity}.pdf`, packing slips "
        "`{order_ref}-packing-slip.pdf`.",
        responses={200: {"description": "ZIP", "content": {"application/zip": {}}}, 404: "Unknown job",
                   409: "A job has no print file yet"})
def download(json_data: Download):
    svc, who = services(), caller()
    entries = _entries(json_data.jobs, who.brand, json_data.packing_slips)
    absent = [name for name, key in entries if not svc.storage.exists(key)]
    if absent:
        raise Problem(409, "file-missing", f"Not in storage: {', '.join(absent[:10])}.",
                      values={"files": ", ".join(absent[:10])})
    name = f"printline-{who.brand}-{svc.clock.now():%Y%m%d-%H%M}-{len(json_data.jobs)}-jobs.zip"
    return Response(zip_stream(svc.storage, entries), mimetype="application/zip",
                    headers={"Content-Disposition": content_disposition(name), "Cache-Control": "no-store"})
