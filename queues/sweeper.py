"""`printline jobs requeue`: new render messages for jobs left queued with none on its way.

The outbox makes a lost publish impossible (a render message stays pending until the broker took it),
so what remains for this is a message lost *inside* the broker (a purged queue, a broker restored from
an old state). It writes outbox rows like any action; the relay sends them.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from records.models import Job, OutboxMessage
from records.outbox import PENDING, RENDER
from orders.states import JobState
from queues.ports import WorkerServices as Services


def requeue_stale(services: Services, *, older_than_seconds: int) -> int:
    """A render message for every job queued longer than the given age with no pending message."""
    cutoff = services.clock.now() - timedelta(seconds=older_than_seconds)
    with services.sessions() as session:
        waiting = select(OutboxMessage.job_id).where(OutboxMessage.kind == RENDER, OutboxMessage.state == PENDING)
        ids = list(session.scalars(select(Job.id).where(Job.state == JobState.queued.value, Job.updated_at < cutoff,
                                                        Job.id.not_in(waiting))).all())
    return services.lifecycle.requeue(ids) if ids else 0
