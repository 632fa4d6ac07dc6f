"""How the API hands a job to the workers: the message carries the job id, never pixels."""

from __future__ import annotations

from typing import Protocol

from celery import Celery

from queues.celery_app import RENDER_TASK, SHEET_TASK, SLIP_TASK


class JobQueue(Protocol):
    def send(self, job_id: str) -> None:
        """Ask a worker to render this job (the relay calls it, after the DB commit)."""
        ...

    def send_slip(self, order_id: str) -> None:
        """Ask a worker to rebuild the order's packing slip."""
        ...

    def send_sheet(self, sheet_id: str) -> None:
        """Ask a worker to impose this press sheet."""
        ...

    def check(self) -> None:
        """Raise unless the broker is reachable (for /readyz)."""
        ...


class CeleryJobQueue:
    """Sends render tasks through Celery's broker."""

    def __init__(self, app: Celery) -> None:
        self.app = app

    def send(self, job_id: str) -> None:
        self.app.send_task(RENDER_TASK, args=[job_id])

    def send_slip(self, order_id: str) -> None:
        self.app.send_task(SLIP_TASK, args=[order_id])

    def send_sheet(self, sheet_id: str) -> None:
        self.app.send_task(SHEET_TASK, args=[sheet_id])

    def check(self) -> None:
        with self.app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
