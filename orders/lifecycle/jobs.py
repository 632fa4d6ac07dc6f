"""The worker's and the people's actions on jobs: claim, finish and fail a render; approve, reject,
print, ship, reprint, retry."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from records.models import Event, Job, OrderItem, Upload
from records.outbox import render_message
from orders.lifecycle.base import PREFLIGHT, WORKER, ActionRefused, Actor, LifecycleBase, _text
from orders.reasons import ReasonCode
from vocab.spec import ItemSpec
from orders.states import JobState

S = JobState


class _ClaimRace(Exception):
    """Another copy bumped the attempt between our read and our write (SQLite)."""

PEOPLES_ACTIONS = ("approve", "reject", "mark_printed", "mark_shipped", "reprint", "retry")
OUTAGE_REASON = "outage: storage or database unavailable, retrying"


def outage_backoff(retry: int, cap: float, rng: random.Random = random.Random()) -> timedelta:
    """2 s doubling per retry up to `cap`, with full jitter on the upper half (0.5-1.0 x): 12 retries
    at a 60 s cap wait ~4-8 min in all, so an outage of 2 min is ridden out with room to spare."""
    base = min(2.0 * 2 ** retry, cap)
    return timedelta(seconds=base * rng.uniform(0.5, 1.0))


@dataclass(frozen=True)
class Claim:
    """What a worker needs to render one job version, read in the claiming transaction."""

    job_id: str
    brand: str
    order_id: str
    order_ref: str
    item_id: str
    version: int
    quantity: int
    product: str
    spec: dict[str, Any]
    sources: dict[str, str]  # upload id -> storage key
    created_at: datetime
    attempt: int
    sandbox: bool = False  # a sandbox order's: the print file says SANDBOX


@dataclass(frozen=True)
class Rendered:
    """The stored outcome of a render that the job records."""

    report: dict[str, Any]
    verdict: str
    keys: dict[str, str]  # printfile, preview, report, overlay (optional)


class JobActions(LifecycleBase):
    """The actions on one job: the worker's (claim, finish, fail) and the people's (`act`)."""

    # ------------------------------------------------------------------ the worker

    def claim_render(self, job_id: str) -> Claim | str:
        """Move the job to `rendering` (or count another attempt of a claim a lost worker left) and read
        what the render needs; a string saying why there is nothing to do otherwise. Two copies of one
        message claiming at once get attempts 1 and 2 (on SQLite, where FOR UPDATE is a no-op, the
        attempt is bumped by compare-and-set and the loser claims again)."""
        for _ in range(10):
            try:
                return self._claim_render(job_id)
            except _ClaimRace:
                continue
        raise RuntimeError(f"job {job_id}: the claim kept racing")

    def _claim_render(self, job_id: str) -> Claim | str:
        with self._tx() as tx:
            job = tx.session.scalar(select(Job).where(Job.id == job_id).with_for_update()
                                    .options(selectinload(Job.item).selectinload(OrderItem.order)))
            if job is None:
                return "missing"
            if job.version != job.item.current_version or job.state not in (S.queued, S.rendering):
                return f"{job.state}, version {job.version}"
            seen = job.attempts
            bumped = tx.session.execute(update(Job).where(Job.id == job.id, Job.attempts == seen,
                                                          Job.state == job.state)
                                        .values(attempts=seen + 1, updated_at=tx.at)
                                        .execution_options(synchronize_session=False))
            if bumped.rowcount != 1:
                raise _ClaimRace(job_id)
            set_committed_value(job, "attempts", seen + 1)
            set_committed_value(job, "updated_at", tx.at)  # a fresh heartbeat for the relay
            if job.state == S.rendering and job.attempts > self.policy.max_attempts:
                self._move(tx, job, "fail_render", WORKER, code=ReasonCode.attempts_exhausted,
                           reason=_text(ReasonCode.attempts_exhausted))
                return "attempts exhausted"
            if job.state == S.queued:
                self._move(tx, job, "claim_render", WORKER)
            spec = job.item.spec
            ids = ItemSpec.model_validate(spec).upload_ids()
            uploads = tx.session.execute(select(Upload.id, Upload.storage_key)
                                         .where(Upload.brand == job.brand, Upload.id.in_(ids)))
            return Claim(job_id=job.id, brand=job.brand, order_id=job.item.order_id,
                         order_ref=job.item.order.external_id, item_id=job.item_id, version=job.version,
                         quantity=job.item.quantity, product=job.item.product, spec=spec,
                         sources={row.id: row.storage_key for row in uploads}, created_at=job.created_at,
                         attempt=job.attempts, sandbox=job.item.order.sandbox)

    def heartbeat(self, job_id: str, attempt: int) -> bool:
        """The worker of `attempt` is alive: touch `updated_at` (one UPDATE, no event) so the relay's
        stale-claim cutoff can be a few heartbeats instead of the whole task time limit."""
        with self._tx() as tx:
            done = tx.session.execute(update(Job).where(Job.id == job_id, Job.state == S.rendering.value,
                                                        Job.attempts == attempt).values(updated_at=tx.at))
            return bool(done.rowcount)

    def finish_render(self, job_id: str, outcome: Rendered, *, attempt: int | None = None) -> bool:
        """Record the stored files and verdict, then approve (`ok`, auto-approve on) or wait for QA.
        False when the job is no longer rendering (cancelled meanwhile) or a later claim (`attempt`)
        took it over: then its files are not used, and only the newest copy finishes."""
        with self._tx() as tx:
            job = self._job(tx, job_id)
            if job.state != S.rendering or (attempt is not None and job.attempts != attempt):
                return False
            job.report, job.verdict = outcome.report, outcome.verdict
            keys = outcome.keys
            job.printfile_key, job.preview_key = keys["printfile"], keys["preview"]
            job.report_key, job.overlay_key = keys["report"], keys.get("overlay")
            self._move(tx, job, "finish_render", WORKER)
            if job.verdict == "ok" and self.policy.auto_approve:
                self._move(tx, job, "auto_approve", PREFLIGHT, reason="preflight verdict ok")
            else:
                self._move(tx, job, "await_qa", PREFLIGHT, reason=f"preflight verdict {job.verdict}")
            return True

    def fail_render(self, job_id: str, code: ReasonCode, reason: str, *, retryable: bool = False,
                    backoff: timedelta = timedelta(seconds=5), attempt: int | None = None,
                    outage: bool = False) -> str:
        """A render that could not finish: `queued` again (a new render message after `backoff`) while
        attempts remain and the cause may pass, `failed` with the reason otherwise. The new state, or
        the state it was left in when someone else (or a later claim, `attempt`) moved it meanwhile.
        An `outage` (storage or database fault) is not the job's fault: it is retried with growing
        backoff without counting the attempt, `policy.outage_retries` times."""
        with self._tx() as tx:
            job = self._job(tx, job_id)
            if job.state != S.rendering or (attempt is not None and job.attempts != attempt):
                return job.state
            if outage and self._outages(tx, job.id) < self.policy.outage_retries:
                job.attempts = max(job.attempts - 1, 0)
                self._move(tx, job, "requeue_render", WORKER, reason=OUTAGE_REASON)
                delay = outage_backoff(self._outages(tx, job.id) - 1, self.policy.backoff_cap)
                tx.render(render_message(tx.session, job.brand, job.id, tx.at, delay=delay))
                return job.state
            if retryable and job.attempts < self.policy.max_attempts:
                self._move(tx, job, "requeue_render", WORKER, reason=reason)
                tx.render(render_message(tx.session, job.brand, job.id, tx.at, delay=backoff))
            else:
                self._move(tx, job, "fail_render", WORKER, reason=reason, code=code)
            return job.state

    # ------------------------------------------------------------------ QA and production

    def act(self, action: str, *, brand: str, job_id: str, actor: Actor, reason: str | None = None,
            carrier: str | None = None, tracking_number: str | None = None) -> None:
        """approve · reject · mark_printed · mark_shipped · reprint · retry: a person's step on a job."""
        if action not in PEOPLES_ACTIONS:
            raise ValueError(f"not a person's action: {action}")
        with self._tx() as tx:
            job = self._job(tx, job_id, brand)
            item = job.item
            if item.cancelled_at is not None:
                raise ActionRefused("cancelled", f"Item {item.id} is cancelled.", job.state, item=item.id)
            if job.version != item.current_version:
                raise ActionRefused("superseded", f"Job {job.id} is version {job.version}; version "
                                    f"{item.current_version} replaced it.", job.state, job=job.id,
                                    version=job.version, current=item.current_version)
            code = ReasonCode.rejected if action == "reject" else None
            if action in ("mark_printed", "mark_shipped") and item.order.sandbox:
                raise ActionRefused("sandbox", f"Job {job.id} belongs to a sandbox order: it is rendered for "
                                    "testing and never printed or shipped.", job.state, job=job.id)
            if action == "mark_printed":
                sheet = self._active_sheet(tx, job)
                if sheet is not None:
                    raise ActionRefused("on-sheet", f"Job {job.id} is on sheet {sheet.id} ({sheet.state}): mark "
                                        "the sheet printed, or cancel the sheet first.", job.state, job=job.id,
                                        sheet=sheet.id, sheet_state=sheet.state)
            if action == "reject":
                self._stale_sheet(tx, job, f"job {job.id} was rejected by QA")
            if action == "mark_shipped":
                job.carrier, job.tracking_number = carrier, tracking_number
            if action == "reprint":
                job.reprints += 1
            self._move(tx, job, action, actor, reason=reason, code=code)
            if action == "retry":
                job.attempts = 0
                tx.render(render_message(tx.session, job.brand, job.id, tx.at))
            item.order.updated_at = tx.at

    def _outages(self, tx, job_id: str) -> int:
        tx.session.flush()
        return tx.session.scalar(select(func.count()).select_from(Event).where(
            Event.job_id == job_id, Event.to_state == S.queued.value, Event.reason == OUTAGE_REASON)) or 0

    def job_state(self, job_id: str) -> str | None:
        """The job's state now (a read, no transaction of its own to speak of)."""
        with self.sessions() as session:
            return session.scalar(select(Job.state).where(Job.id == job_id))

    def requeue(self, job_ids: list[str]) -> int:
        """A new render message for each job still queued (the broker lost one); duplicates are harmless."""
        with self._tx() as tx:
            jobs = tx.session.scalars(select(Job).where(Job.id.in_(job_ids), Job.state == S.queued.value)).all()
            for job in jobs:
                tx.render(render_message(tx.session, job.brand, job.id, tx.at))
            return len(jobs)
