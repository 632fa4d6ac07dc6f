"""Celery tasks, registered on an app built from settings (no module-level app or clients)."""

from __future__ import annotations

from functools import cache

from celery import Celery

from printline.services import Services, build_services
from printline.settings import Settings
from queues.celery_app import RENDER_TASK, make_celery
from queues.dispatch import CeleryJobQueue
from queues.render_job import Outcome, run_render_job


def worker_app(settings: Settings) -> Celery:
    """The worker's Celery app with the render task; services are built once per worker process."""
    app = make_celery(settings)

    @cache
    def services() -> Services:  # after the fork, so no connection is shared between processes
        return build_services(settings, queue=CeleryJobQueue(app))

    @app.task(name=RENDER_TASK, bind=True, max_retries=None)
    def render_job(task, job_id: str) -> str:
        outcome = run_render_job(job_id, services())
        if outcome is Outcome.retry:
            raise task.retry(countdown=min(60, 5 * (task.request.retries + 1)))
        return outcome.value

    return app
