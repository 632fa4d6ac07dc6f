"""Re-sends jobs that stayed queued too long (the API committed but the message never arrived)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from orders.db.models import Job
from orders.states import JobState
from printline.services import Services


def requeue_stale(services: Services, *, older_than_seconds: int) -> int:
    """Send every job queued for longer than the given age again; a duplicate message is harmless."""
    cutoff = services.clock.now() - timedelta(seconds=older_than_seconds)
    with services.sessions() as session:
        ids = session.scalars(select(Job.id).where(Job.state == JobState.queued.value, Job.updated_at < cutoff)).all()
    for job_id in ids:
        services.queue.send(job_id)
    return len(ids)
