"""One render job from id to stored files: the glue between records, storage, render and printfiles.

Idempotent: a job that is no longer queued or rendering, or whose version was superseded, is left
alone; storage keys are deterministic and writes conditional, so a rerun of the same version writes
the same keys and changes no record. A customer's file can fail a job, never the worker.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

import structlog
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from orders.db.jobs import transition
from orders.db.models import Job, OrderItem, Upload
from orders.spec import ItemSpec
from orders.states import JobState
from printfiles.build import BuildResult, PrintMeta, build_item
from printline.services import Services
from queues.packing_slip import refresh_packing_slip
from render.errors import RenderError
from storage.keys import overlay_key, preview_key, printfile_key, report_key

log = structlog.get_logger("printline.worker")
ACTOR = "worker"


class Outcome(StrEnum):
    done = "done"
    skipped = "skipped"
    failed = "failed"
    retry = "retry"


@dataclass(frozen=True)
class _Work:
    job_id: str
    brand: str
    order_id: str
    order_ref: str
    item_id: str
    version: int
    spec: ItemSpec
    product: str
    sources: dict[str, str]  # upload id -> storage key
    created_at: datetime


def _claim(services: Services, job_id: str) -> _Work | Outcome:
    """Move the job to `rendering` and read what the render needs, or say why there is nothing to do."""
    now = services.clock.now()
    with services.sessions() as session:
        job = session.scalar(select(Job).where(Job.id == job_id).with_for_update()
                             .options(selectinload(Job.item).selectinload(OrderItem.order)))
        if job is None:
            log.warning("job_missing", job_id=job_id)
            return Outcome.skipped
        if job.version != job.item.current_version or job.state not in (JobState.queued, JobState.rendering):
            log.info("job_skipped", job_id=job_id, state=job.state, version=job.version)
            return Outcome.skipped
        job.attempts += 1
        if job.state == JobState.rendering and job.attempts > services.settings.max_attempts:
            transition(session, job, JobState.failed, actor=ACTOR, at=now,
                       reason=f"The render stopped {job.attempts - 1} times without finishing (worker lost, "
                              "out of memory or time limit). Retry once the cause is fixed.")
            session.commit()
            return Outcome.failed
        if job.state == JobState.queued:
            transition(session, job, JobState.rendering, actor=ACTOR, at=now)
        spec = ItemSpec.model_validate(job.item.spec)
        uploads = session.execute(select(Upload.id, Upload.storage_key).where(
            Upload.brand == job.brand, Upload.id.in_(spec.upload_ids())))
        work = _Work(job_id=job.id, brand=job.brand, order_id=job.item.order_id,
                     order_ref=job.item.order.external_id, item_id=job.item_id, version=job.version, spec=spec,
                     product=job.item.product, sources={row.id: row.storage_key for row in uploads},
                     created_at=job.created_at)
        session.commit()
    return work


def _finish(services: Services, job_id: str, to: JobState, *, reason: str | None = None,
            result: BuildResult | None = None, keys: dict[str, str] | None = None) -> None:
    now = services.clock.now()
    with services.sessions() as session:
        job = session.scalar(select(Job).where(Job.id == job_id).with_for_update()
                             .options(selectinload(Job.item)))
        if job.state != JobState.rendering:  # someone else finished it meanwhile
            return
        if result is not None and keys is not None:
            job.report = result.report.model_dump(mode="json")
            job.verdict = result.report.verdict.value
            job.printfile_key, job.preview_key = keys["printfile"], keys["preview"]
            job.report_key, job.overlay_key = keys["report"], keys.get("overlay")
        transition(session, job, to, actor=ACTOR, at=now, reason=reason)
        if to is JobState.rendered:
            if job.verdict == "ok" and services.settings.auto_approve:
                transition(session, job, JobState.approved, actor="preflight", at=now,
                           reason="preflight verdict ok")
            else:
                transition(session, job, JobState.qa_pending, actor="preflight", at=now,
                           reason=f"preflight verdict {job.verdict}")
        session.commit()


def _store(services: Services, work: _Work, result: BuildResult) -> dict[str, str]:
    args = (work.brand, work.order_id, work.item_id, work.version)
    name = f"{work.order_ref}-{work.item_id}-{work.product}-r{work.version}"
    keys = {"printfile": printfile_key(*args), "preview": preview_key(*args), "report": report_key(*args)}
    storage = services.storage
    storage.put_file(keys["printfile"], result.printfile, content_type="application/pdf", filename=f"{name}.pdf")
    storage.put_file(keys["preview"], result.preview, content_type="image/jpeg", filename=f"{name}-preview.jpg")
    storage.put_file(keys["report"], result.report_path, content_type="application/json",
                     filename=f"{name}-report.json")
    if result.overlay is not None:
        keys["overlay"] = overlay_key(*args)
        storage.put_file(keys["overlay"], result.overlay, content_type="image/jpeg",
                         filename=f"{name}-overlay.jpg")
    return keys


def run_render_job(job_id: str, services: Services,
                   build: Callable[..., BuildResult] = build_item) -> Outcome:
    """Render job `job_id` and record the outcome; never raises for a customer's file."""
    claimed = _claim(services, job_id)
    if isinstance(claimed, Outcome):
        return claimed
    work = claimed
    folder = services.settings.var_dir / "work" / f"{work.job_id}-r{work.version}"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "src").mkdir(parents=True)
    bound = log.bind(job_id=job_id, product=work.product, version=work.version)
    try:
        services.progress.report(job_id, "downloading")
        sources: dict[str, Path] = {}
        for upload_id, key in work.sources.items():
            sources[upload_id] = folder / "src" / upload_id
            services.storage.download(key, sources[upload_id])
        services.progress.report(job_id, "rendering")
        product = services.catalogue.get(work.product).with_options(work.spec.options)
        printer = services.catalogue.printer(product.printer)
        meta = PrintMeta(brand=work.brand, order_ref=work.order_ref, item_ref=work.item_id, job_id=work.job_id,
                         version=work.version, created_at=work.created_at)
        result = build(work.spec, product, sources, folder / "out", meta, printer=printer)
        services.progress.report(job_id, "storing")
        keys = _store(services, work, result)
    except RenderError as exc:
        bound.info("job_failed", reason=str(exc))
        _finish(services, job_id, JobState.failed, reason=str(exc))
        return Outcome.failed
    except Exception as exc:  # noqa: BLE001 - anything else: retry a few times, then fail with the cause
        bound.exception("job_error")
        reason = f"Internal error while rendering ({type(exc).__name__}: {exc})"[:1000]
        attempts = _attempts(services, job_id)
        if attempts < services.settings.max_attempts:
            _finish(services, job_id, JobState.queued, reason=reason)
            return Outcome.retry
        _finish(services, job_id, JobState.failed, reason=reason)
        return Outcome.failed
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _finish(services, job_id, JobState.rendered, result=result, keys=keys)
    bound.info("job_rendered", verdict=result.report.verdict.value)
    try:
        refresh_packing_slip(services, work.order_id)
    except Exception:  # noqa: BLE001 - the print file stands; the slip is rebuilt with the next render
        bound.exception("packing_slip_failed")
    return Outcome.done


def _attempts(services: Services, job_id: str) -> int:
    with services.sessions() as session:
        return session.scalar(select(Job.attempts).where(Job.id == job_id)) or 0
