"""One render job from id to stored files: the glue between the lifecycle, storage, render and printfiles.

Idempotent: the claim (`Lifecycle.claim_render`) leaves alone a job that is no longer queued or
rendering, or whose version was superseded; storage keys are deterministic and writes conditional, so a
rerun of the same version writes the same keys. A job cancelled while it renders is abandoned: its
files are not recorded. A customer's file can fail a job, never the worker. Reasons recorded are codes
and messages a person can act on; exception text and paths go to the log with the job id.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.exc import DBAPIError

from orders.lifecycle import Claim, Rendered
from orders.reasons import ReasonCode, message
from vocab.spec import ItemSpec
from printfiles.build import BuildResult, PrintMeta, build_item
from queues.packing_slip import refresh_packing_slip
from queues.ports import WorkerServices as Services
from queues.proof_job import store_proof
from render.control import RenderCancelled
from render.errors import RenderError
from storage.base import ConflictError, InvalidKeyError, StorageError
from storage.keys import overlay_key, preview_key, printfile_key, report_key

log = structlog.get_logger("printline.worker")


class Outcome(StrEnum):
    done = "done"
    skipped = "skipped"
    failed = "failed"
    retry = "retry"
    abandoned = "abandoned"


def is_outage(exc: BaseException) -> bool:
    """A fault of storage or the database (not of the job): retried without counting an attempt. A
    storage conflict or a bad key is a bug, not an outage."""
    if isinstance(exc, StorageError):
        return not isinstance(exc, (ConflictError, InvalidKeyError))
    return isinstance(exc, (DBAPIError, ConnectionError, TimeoutError))


def public_report(value: Any) -> Any:
    """The report without server paths: a `*_path` or `file` value keeps only its file name (the files
    are served by the API under their own links)."""
    if isinstance(value, dict):
        return {k: (Path(v).name if (k.endswith("_path") or k == "file") and isinstance(v, str) and v
                    else public_report(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [public_report(v) for v in value]
    return value


def _scrub(text: str, folder: Path) -> str:
    """A customer-facing message with the work folder (and any other absolute path) taken out."""
    text = text.replace(str(folder) + "/", "").replace(str(folder), "")
    return re.sub(r"(?<![\w.])/(?:[\w.@+-]+/)+([\w.@+-]+)", r"\1", text)[:1000]


class _FirstCopyWins:
    """Storage for one version's files where an object already there with other bytes is kept: only
    another copy of the same message (same job, same version, another attempt) can have written it, and
    its render is as valid as ours (the report's timings differ between two runs, so bytes may too)."""

    def __init__(self, storage: Any, job_id: str) -> None:
        self.storage, self.job_id = storage, job_id

    def _keep(self, call: Callable[..., Any], key: str, *args: Any, **kwargs: Any) -> None:
        try:
            call(key, *args, **kwargs)
        except ConflictError:
            log.info("store_kept_existing", job_id=self.job_id, key=key)

    def put_file(self, key: str, *args: Any, **kwargs: Any) -> None:
        self._keep(self.storage.put_file, key, *args, **kwargs)

    def put_bytes(self, key: str, *args: Any, **kwargs: Any) -> None:
        self._keep(self.storage.put_bytes, key, *args, **kwargs)


def _store(services: Services, claim: Claim, result: BuildResult) -> dict[str, str]:
    args = (claim.brand, claim.order_id, claim.item_id, claim.version)
    name = f"{claim.order_ref}-{claim.item_id}-{claim.product}-r{claim.version}"
    keys = {"printfile": printfile_key(*args), "preview": preview_key(*args), "report": report_key(*args)}
    storage = _FirstCopyWins(services.storage, claim.job_id)
    storage.put_file(keys["printfile"], result.printfile, content_type="application/pdf", filename=f"{name}.pdf")
    storage.put_file(keys["preview"], result.preview, content_type="image/jpeg", filename=f"{name}-preview.jpg")
    storage.put_bytes(keys["report"], json.dumps(public_report(json.loads(result.report_path.read_bytes())),
                                                 ensure_ascii=False, indent=2).encode(),
                      content_type="application/json")
    if result.overlay is not None:
        keys["overlay"] = overlay_key(*args)
        storage.put_file(keys["overlay"], result.overlay, content_type="image/jpeg",
                         filename=f"{name}-overlay.jpg")
    return keys


class CancelWatch:
    """Tells a running render that its job was cancelled: a thread reads the job's state every
    `interval` seconds and sets the event the render checks between steps and through libvips' kill
    flag during evaluation (one small query a second, not one per eval signal). The same thread is the
    claim's heartbeat: every `heartbeat` seconds it touches the job (one UPDATE per 30 s by default),
    independent of progress signals, which a long libvips operation may not send for minutes."""

    def __init__(self, services: Services, job_id: str, interval: float = 1.0, *, attempt: int = 0,
                 heartbeat: float = 30.0) -> None:
        self.services, self.job_id, self.interval = services, job_id, interval
        self.attempt, self.heartbeat, self._last_beat = attempt, heartbeat, 0.0
        self.cancelled, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True, name=f"cancel-{job_id}")

    def __enter__(self) -> threading.Event:
        self._thread.start()
        return self.cancelled

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _beat(self) -> None:
        now = time.monotonic()
        if self.attempt and now - self._last_beat >= self.heartbeat:
            self._last_beat = now
            self.services.lifecycle.heartbeat(self.job_id, self.attempt)

    def _watch(self) -> None:
        self._last_beat = time.monotonic()
        while not self._stop.wait(self.interval):
            try:
                self._beat()
                state = self.services.lifecycle.job_state(self.job_id)
            except Exception:  # noqa: BLE001 - a database hiccup must not stop the render
                continue
            if state != "rendering":
                self.cancelled.set()
                return


def _reporter(services: Services, job_id: str) -> Callable[[int, str], None]:
    """Progress from the render's eval signals to the progress port; never fails the render."""
    def report(percent: int, stage: str) -> None:
        try:
            services.progress.report(job_id, stage, percent)
        except Exception:  # noqa: BLE001 - progress is a courtesy (e.g. Redis away)
            log.warning("progress_report_failed", job_id=job_id)

    return report


def _render(services: Services, claim: Claim, folder: Path, build: Callable[..., BuildResult],
            cancel: threading.Event | None = None) -> BuildResult:
    sources: dict[str, Path] = {}
    services.progress.report(claim.job_id, "downloading")
    for upload_id, key in claim.sources.items():
        sources[upload_id] = folder / "src" / upload_id
        services.storage.download(key, sources[upload_id])
    services.progress.report(claim.job_id, "rendering")
    spec = ItemSpec.model_validate(claim.spec)
    product = services.catalogue.get(claim.product).with_options(spec.options)
    printer = services.catalogue.printer(product.printer)
    meta = PrintMeta(brand=claim.brand, order_ref=claim.order_ref, item_ref=claim.item_id, job_id=claim.job_id,
                     version=claim.version, created_at=claim.created_at, quantity=claim.quantity,
                     sandbox=claim.sandbox)
    if cancel is None:
        return build(spec, product, sources, folder / "out", meta, printer=printer)
    return build(spec, product, sources, folder / "out", meta, printer=printer, cancel=cancel,
                 on_progress=_reporter(services, claim.job_id))


def _failed(services: Services, claim: Claim, exc: Exception, folder: Path, bound: Any) -> Outcome:
    """Record why the render could not finish: the customer's file fails the job; an outage (storage,
    database) is retried with growing backoff without counting an attempt; anything else is retried a
    few times, then failed for good. Only the claim's own attempt is moved (a later copy owns the job)."""
    lifecycle, job_id, attempt = services.lifecycle, claim.job_id, claim.attempt
    if isinstance(exc, RenderError):
        bound.info("job_failed", code=ReasonCode.image_problem, detail=str(exc))
        lifecycle.fail_render(job_id, ReasonCode.image_problem, _scrub(str(exc), folder), attempt=attempt)
        return Outcome.failed
    if isinstance(exc, KeyError):
        bound.warning("job_source_missing", sources=claim.sources)
        lifecycle.fail_render(job_id, ReasonCode.source_missing, message(ReasonCode.source_missing),
                              attempt=attempt)
        return Outcome.failed
    outage = is_outage(exc)
    bound.exception("job_outage" if outage else "job_error")
    state = lifecycle.fail_render(job_id, ReasonCode.internal_error, message(ReasonCode.internal_error),
                                  retryable=True, attempt=attempt, outage=outage)
    return Outcome.retry if state == "queued" else Outcome.failed


def run_render_job(job_id: str, services: Services,
                   build: Callable[..., BuildResult] = build_item) -> Outcome:
    """Render job `job_id` and record the outcome; never raises for a customer's file. A database
    fault while claiming or recording raises: the task rejects the message so the broker redelivers it
    (and dead-letters it after the delivery limit) instead of acking it away."""
    lifecycle = services.lifecycle
    claim = lifecycle.claim_render(job_id)
    if isinstance(claim, str):
        log.info("job_skipped", job_id=job_id, why=claim)
        return Outcome.failed if claim == "attempts exhausted" else Outcome.skipped
    folder = services.settings.var_dir / "work" / f"{claim.job_id}-r{claim.version}-a{claim.attempt}"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "src").mkdir(parents=True)
    bound = log.bind(job_id=job_id, product=claim.product, version=claim.version, attempt=claim.attempt)
    try:
        with CancelWatch(services, job_id, attempt=claim.attempt,
                         heartbeat=services.settings.heartbeat_seconds) as cancelled:
            result = _render(services, claim, folder, build, cancelled)
            services.progress.report(job_id, "storing")
            store_proof(services, claim, result, folder)  # QA's zoom tiles, for jobs that go to QA
            keys = _store(services, claim, result)
        report = public_report(result.report.model_dump(mode="json"))
    except RenderCancelled:
        bound.info("job_render_stopped")  # cancelled while it rendered; nothing is recorded
        return Outcome.abandoned
    except Exception as exc:  # noqa: BLE001 - the customer's file, an outage or a bug: see _failed
        return _failed(services, claim, exc, folder, bound)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    rendered = Rendered(report=report, verdict=result.report.verdict.value, keys=keys)
    if not lifecycle.finish_render(job_id, rendered, attempt=claim.attempt):
        bound.info("job_abandoned")  # cancelled while it rendered, or a later copy owns it
        return Outcome.abandoned
    bound.info("job_rendered", verdict=result.report.verdict.value)
    try:
        refresh_packing_slip(services, claim.order_id)
    except Exception:  # noqa: BLE001 - the print file stands; the slip is rebuilt with the next render
        bound.exception("packing_slip_failed")
    return Outcome.done
