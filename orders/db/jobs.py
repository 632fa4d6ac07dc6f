"""Job state changes: each one checked against the state machine and written as an event row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from orders.db.models import Event, Job
from orders.states import JobState, check_transition

STARTED = {JobState.rendering}
FINISHED = {JobState.rendered, JobState.failed, JobState.cancelled}


def transition(session: Session, job: Job, to: JobState, *, actor: str, at: datetime,
               reason: str | None = None) -> Event:
    """Move `job` to `to` (IllegalTransition if not allowed) and record who did it, when and why."""
    current = JobState(job.state)
    check_transition(current, to)
    job.state = to.value
    job.updated_at = at
    if to in STARTED:
        job.started_at = at
    if to in FINISHED:
        job.finished_at = at
    if to in (JobState.failed, JobState.rejected, JobState.cancelled):
        job.reason = reason
    event = Event(order_id=job.item.order_id, item_id=job.item_id, job_id=job.id, from_state=current.value,
                  to_state=to.value, actor=actor, reason=reason, at=at)
    session.add(event)
    return event


def new_job(session: Session, item_id: str, order_id: str, brand: str, version: int, *, actor: str,
            at: datetime, reason: str | None = None) -> Job:
    """A queued job for render version `version` of an item, with its creation event."""
    job = Job(item_id=item_id, brand=brand, version=version, state=JobState.queued.value,
              created_at=at, updated_at=at, attempts=0)
    session.add(job)
    session.flush()
    session.add(Event(order_id=order_id, item_id=item_id, job_id=job.id, from_state=None,
                      to_state=JobState.queued.value, actor=actor, reason=reason, at=at))
    return job
