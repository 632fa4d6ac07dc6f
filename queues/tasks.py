"""Celery tasks, registered on an app built from settings (no module-level app or clients)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from functools import cache

import structlog
from celery import Celery
from celery.exceptions import Reject, SoftTimeLimitExceeded
from celery.signals import worker_process_init
from sqlalchemy.exc import DBAPIError

from queues.celery_app import RENDER_TASK, SHEET_TASK, SLIP_TASK, make_celery
from queues.dispatch import CeleryJobQueue
from queues.packing_slip import refresh_packing_slip
from queues.ports import QueueSettings as Settings
from queues.ports import WorkerServices as Services
from queues.render_job import run_render_job
from queues.sheet_job import run_sheet_job

log = structlog.get_logger("printline.worker")


class FaultPause:
    """Consecutive database faults of this worker process: the pause before the message goes back to
    the broker grows 1, 2, 4 ... 30 s (jittered), so redeliveries do not spin while the database is
    away; with the delivery limit of 6 that spans ~1-2 min before a poison message is dead-lettered,
    and the job's own retries (outbox, not counted) cover longer outages."""

    def __init__(self, cap: float = 30.0) -> None:
        self.count, self.cap = 0, cap

    def pause(self) -> float:
        seconds = min(2.0 ** self.count, self.cap) * random.uniform(0.5, 1.0)
        self.count += 1
        time.sleep(seconds)
        return seconds

    def reset(self) -> None:
        self.count = 0


def render_or_reject(job_id: str, services: Services, faults: FaultPause) -> str:
    """The render task's body: a database fault (claim or record) rejects the message for
    redelivery after a pause instead of acking it away with the job left `queued` or `rendering`."""
    try:
        outcome = run_render_job(job_id, services).value
    except SoftTimeLimitExceeded as exc:
        # Inside the render the limit is a failed attempt (run_render_job records it); here it struck
        # before the claim or while recording, so nothing says what became of the job: the message
        # goes back to the broker (its delivery limit still bounds it) rather than to the dead letters
        # with the job left `queued` and nothing to move it.
        log.warning("render_time_limit_outside_the_render", job_id=job_id)
        raise Reject("soft time limit outside the render", requeue=True) from exc
    except DBAPIError as exc:
        waited = faults.pause()
        log.warning("render_db_fault_requeued", job_id=job_id, error=type(exc).__name__, paused=round(waited, 1))
        raise Reject(f"database fault: {type(exc).__name__}", requeue=True) from exc
    faults.reset()
    return outcome


def worker_app(settings: Settings, build_services: Callable[..., Services]) -> Celery:
    """The worker's Celery app with its tasks; `build_services(settings, queue=...)` (the composition
    root's) makes the parts once per worker process.
    A render that should run again later is not retried by Celery: the lifecycle writes a delayed
    render message to the outbox, and the relay sends it when it is due."""
    app = make_celery(settings)

    @cache
    def services() -> Services:  # after the fork, so no connection is shared between processes
        return build_services(settings, queue=CeleryJobQueue(app))

    faults = FaultPause()

    @worker_process_init.connect(weak=False)
    def _build_before_the_first_task(**_: object) -> None:
        """Connections and clients are made when the pool child starts, not inside the first task,
        where they would count against its time limit (seen: boto3's client creation took the whole
        1 s soft limit of a test under load, and the job's message was dead-lettered unclaimed)."""
        try:
            services()
        except Exception:  # noqa: BLE001 - an outage at start: the first task builds them again
            log.warning("worker_services_deferred")

    @app.task(name=RENDER_TASK)
    def render_job(job_id: str) -> str:
        return render_or_reject(job_id, services(), faults)

    @app.task(name=SLIP_TASK)
    def packing_slip(order_id: str) -> str | None:
        return refresh_packing_slip(services(), order_id)

    @app.task(name=SHEET_TASK)
    def build_sheet(sheet_id: str) -> str:
        return run_sheet_job(sheet_id, services()).value

    return app
