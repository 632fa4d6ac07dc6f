"""Celery tasks, registered on an app built from settings (no module-level app or clients)."""

from __future__ import annotations

from functools import cache

from celery import Celery

from printline.services import Services, build_services
from printline.settings import Settings
from queues.celery_app import RENDER_TASK, SHEET_TASK, SLIP_TASK, make_celery
from queues.dispatch import CeleryJobQueue
from queues.packing_slip import refresh_packing_slip
from queues.render_job import run_render_job
from queues.sheet_job import run_sheet_job


def worker_app(settings: Settings) -> Celery:
    """The worker's Celery app with the render task; services are built once per worker process.
    A render that should run again later is not retried by Celery: the lifecycle writes a delayed
    render message to the outbox, and the relay sends it when it is due."""
    app = make_celery(settings)

    @cache
    def services() -> Services:  # after the fork, so no connection is shared between processes
        return build_services(settings, queue=CeleryJobQueue(app))

    @app.task(name=RENDER_TASK)
    def render_job(job_id: str) -> str:
        return run_render_job(job_id, services()).value

    @app.task(name=SLIP_TASK)
    def packing_slip(order_id: str) -> str | None:
        return refresh_packing_slip(services(), order_id)

    @app.task(name=SHEET_TASK)
    def build_sheet(sheet_id: str) -> str:
        return run_sheet_job(sheet_id, services()).value

    return app
