"""The lifecycle of orders and jobs: one method per named action, each one transaction that checks
the transition table (`orders.states.RULES`), changes the state, and writes its audit event, its feed
event and its outbox rows. Views and tasks call these and hold no lifecycle rule of their own.

Side effects leave after the commit: the rows this module writes are sent by the relay
(`queues/relay.py`); `after_commit` gets the ids of new render messages so the calling process can send
them at once (the relay catches what it misses). Modelled on saleor's `order/actions.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from orders.db.intake import IntakeResult, PricedOrder, existing_order, order_rows, replay, request_hash
from orders.db.models import Event, Job, Order, OrderItem, OutboxMessage, Upload
from orders.db.outbox import emit, render_message, slip_message
from orders.reasons import ReasonCode
from orders.spec import ItemSpec, OrderSpec
from orders.states import JobState, check_action

S = JobState


@dataclass(frozen=True)
class Actor:
    """Who takes an action: an API role with its key id, or `worker`, `preflight`, `system`."""

    role: str
    id: str

    @property
    def label(self) -> str:
        return f"{self.role}:{self.id}"


WORKER, PREFLIGHT, SYSTEM = Actor("worker", "render"), Actor("preflight", "verdict"), Actor("system", "relay")


@dataclass(frozen=True)
class Policy:
    auto_approve: bool = True
    max_attempts: int = 3


class NotFound(LookupError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class ActionRefused(Exception):
    """The action is not allowed now (a 409): `code` for programs, `message` for people."""

    def __init__(self, code: str, message: str, state: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.state = code, message, state


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


@dataclass(frozen=True)
class Rendered:
    """The stored outcome of a render that the job records."""

    report: dict[str, Any]
    verdict: str
    keys: dict[str, str]  # printfile, preview, report, overlay (optional)


def _job_data(job: Job, previous: str | None) -> dict[str, Any]:
    item = job.item
    data = {"order_id": item.order_id, "external_id": item.order.external_id, "item_id": item.id,
            "job_id": job.id, "version": job.version, "state": job.state, "previous_state": previous,
            "reason": job.reason, "reason_code": job.reason_code, "quantity": item.quantity,
            "product": item.product, "reprints": job.reprints}
    if job.state == S.shipped:
        data.update(carrier=job.carrier, tracking_number=job.tracking_number)
    return data


class Lifecycle:
    """The named actions over one database (`sessions`), at the `clock`'s time, under `policy`."""

    def __init__(self, sessions: sessionmaker[Session], clock: Any, policy: Policy = Policy(),
                 after_commit: Callable[[list[int]], None] | None = None) -> None:
        self.sessions, self.clock, self.policy, self.after_commit = sessions, clock, policy, after_commit

    # ------------------------------------------------------------------ transaction and helpers

    @contextmanager
    def _tx(self) -> Iterator[_Tx]:
        with self.sessions() as session:
            tx = _Tx(session, self.clock.now())
            yield tx
            session.commit()
        if tx.renders and self.after_commit is not None:
            self.after_commit(tx.renders)

    def _job(self, tx: _Tx, job_id: str, brand: str | None = None) -> Job:
        stmt = (select(Job).where(Job.id == job_id).with_for_update()
                .options(selectinload(Job.item).selectinload(OrderItem.order)))
        if brand is not None:
            stmt = stmt.where(Job.brand == brand)
        job = tx.session.scalar(stmt)
        if job is None:
            raise NotFound("job-not-found", f"No job {job_id!r} for this brand.")
        return job

    def _order(self, tx: _Tx, brand: str, order_id: str) -> Order:
        order = tx.session.scalar(select(Order).where(Order.id == order_id, Order.brand == brand)
                                  .with_for_update()
                                  .options(selectinload(Order.items).selectinload(OrderItem.jobs)))
        if order is None:
            raise NotFound("order-not-found", f"No order {order_id!r} for this brand.")
        return order

    def _move(self, tx: _Tx, job: Job, action: str, actor: Actor, *, reason: str | None = None,
              code: str | None = None) -> None:
        """Apply one rule: state, timestamps, reason, the audit event and the feed event."""
        current = JobState(job.state)
        rule = check_action(action, current, actor.role)
        job.state, job.updated_at = rule.target.value, tx.at
        if rule.target is S.rendering:
            job.started_at = tx.at
        if rule.target in (S.rendered, S.failed, S.cancelled):
            job.finished_at = tx.at
        if rule.target in (S.failed, S.rejected, S.cancelled):
            job.reason, job.reason_code = reason, code
        elif rule.target in (S.queued, S.rendered):
            job.reason, job.reason_code = None, None  # a retry or a success clears the old reason
        tx.session.add(Event(order_id=job.item.order_id, item_id=job.item_id, job_id=job.id,
                             from_state=current.value, to_state=rule.target.value, actor=actor.label,
                             reason=reason, at=tx.at))
        emit(tx.session, job.brand, "job.state_changed", _job_data(job, current.value), tx.at)

    def _new_job(self, tx: _Tx, item: OrderItem, brand: str, actor: Actor, reason: str) -> Job:
        job = Job(item_id=item.id, brand=brand, version=item.current_version, state=S.queued.value,
                  created_at=tx.at, updated_at=tx.at, attempts=0, reprints=0)
        tx.session.add(job)
        tx.session.flush()
        job.item = item
        tx.session.add(Event(order_id=item.order_id, item_id=item.id, job_id=job.id, from_state=None,
                             to_state=S.queued.value, actor=actor.label, reason=reason, at=tx.at))
        tx.render(render_message(tx.session, brand, job.id, tx.at))
        return job

    # ------------------------------------------------------------------ orders (the shop)

    def submit_order(self, *, brand: str, spec: OrderSpec, idempotency_key: str | None, actor: Actor,
                     quote: PricedOrder | None = None) -> IntakeResult:
        """Record a validated, priced order with one queued job per item, or return the one it
        repeats (same Idempotency-Key or external_id with the same body; another body is a conflict)."""
        digest = request_hash(spec)
        with self.sessions() as session:
            found, field = existing_order(session, brand, idempotency_key, spec.external_id)
            if found is not None:
                return replay(found, field, digest)
        try:
            with self._tx() as tx:
                order = order_rows(spec, quote, brand=brand, idempotency_key=idempotency_key, digest=digest,
                                   at=tx.at)
                tx.session.add(order)
                tx.session.flush()
                jobs = [self._new_job(tx, item, brand, actor, "order received") for item in order.items]
                lines = [{"item_id": item.id, "job_id": job.id, "product": item.product,
                          "quantity": item.quantity} for item, job in zip(order.items, jobs)]
                emit(tx.session, brand, "order.created",
                     {"order_id": order.id, "external_id": order.external_id, "items": lines}, tx.at)
        except IntegrityError:
            with self.sessions() as session:  # the same order arrived twice at once: the other one won
                found, field = existing_order(session, brand, idempotency_key, spec.external_id)
                if found is None:
                    raise
                return replay(found, field, digest)
        return IntakeResult(order_id=order.id, created=True, job_ids=[job.id for job in jobs])

    def _cancel(self, tx: _Tx, order: Order, item: OrderItem, actor: Actor, reason: str | None) -> Job:
        job = _current(item)
        if job.state in (S.printed, S.shipped):
            raise ActionRefused("already-printed", f"Item {item.id} is {job.state}: it can no longer be "
                                "cancelled (production may still reprint it).", job.state)
        if item.cancelled_at is not None:
            raise ActionRefused("already-cancelled", f"Item {item.id} is already cancelled.", job.state)
        tx.session.refresh(job, with_for_update=True)
        text = reason or "cancelled by the shop"
        self._move(tx, job, "cancel", actor, reason=text, code=ReasonCode.cancelled)
        item.cancelled_at, item.cancel_reason = tx.at, text
        emit(tx.session, order.brand, "item.cancelled",
             {"order_id": order.id, "external_id": order.external_id, "item_id": item.id, "job_id": job.id,
              "product": item.product, "quantity": item.quantity, "reason": text}, tx.at)
        return job

    def cancel_item(self, *, brand: str, order_id: str, item_id: str, actor: Actor,
                    reason: str | None = None) -> None:
        """Cancel one line before it is printed: a queued render is skipped, a running one abandoned,
        a finished print file void (it leaves the production queue). The line leaves the payable."""
        with self._tx() as tx:
            order = self._order(tx, brand, order_id)
            item = _item(order, item_id)
            self._cancel(tx, order, item, actor, reason)
            self._slip_changed(tx, order)
            if all(i.cancelled_at is not None for i in order.items):
                self._order_cancelled(tx, order, [item.id])

    def cancel_order(self, *, brand: str, order_id: str, actor: Actor, reason: str | None = None) -> list[str]:
        """Cancel every line not yet printed; the ids cancelled. 409 when nothing could be."""
        with self._tx() as tx:
            order = self._order(tx, brand, order_id)
            open_items = [i for i in order.items if i.cancelled_at is None
                          and _current(i).state not in (S.printed, S.shipped)]
            if not open_items:
                raise ActionRefused("nothing-to-cancel", "Every item of this order is printed or already "
                                    "cancelled; nothing can be cancelled.")
            for item in open_items:
                self._cancel(tx, order, item, actor, reason)
            self._slip_changed(tx, order)
            self._order_cancelled(tx, order, [i.id for i in open_items])
        return [i.id for i in open_items]

    def _slip_changed(self, tx: _Tx, order: Order) -> None:
        """The stored slip lists a cancelled line: forget it, and have a worker build the new one."""
        order.updated_at, order.packing_slip_key = tx.at, None
        tx.render(slip_message(tx.session, order.brand, order.id, tx.at))

    def _order_cancelled(self, tx: _Tx, order: Order, item_ids: list[str]) -> None:
        printed = [i.id for i in order.items if i.cancelled_at is None]
        emit(tx.session, order.brand, "order.cancelled",
             {"order_id": order.id, "external_id": order.external_id, "cancelled_items": item_ids,
              "kept_items": printed}, tx.at)

    def replace_image(self, *, brand: str, order_id: str, item_id: str, spec: dict[str, Any],
                      actor: Actor) -> str:
        """A new (validated) item spec for a rejected or failed line: render version n+1; the old
        version and its files stay. The new job's id."""
        with self._tx() as tx:
            order = self._order(tx, brand, order_id)
            item = _item(order, item_id)
            job = _current(item)
            if job.state not in (S.rejected, S.failed) or item.cancelled_at is not None:
                raise ActionRefused("not-replaceable", f"The item is {job.state}; a new image is taken only "
                                    "for rejected or failed items.", job.state)
            item.spec = spec
            item.current_version += 1
            order.updated_at = tx.at
            new = self._new_job(tx, item, brand, actor, "new image")
            emit(tx.session, brand, "job.state_changed", _job_data(new, None), tx.at)
            return new.id

    # ------------------------------------------------------------------ the worker

    def claim_render(self, job_id: str) -> Claim | str:
        """Move the job to `rendering` (or count another attempt of a claim a lost worker left) and read
        what the render needs; a string saying why there is nothing to do otherwise."""
        with self._tx() as tx:
            job = tx.session.scalar(select(Job).where(Job.id == job_id).with_for_update()
                                    .options(selectinload(Job.item).selectinload(OrderItem.order)))
            if job is None:
                return "missing"
            if job.version != job.item.current_version or job.state not in (S.queued, S.rendering):
                return f"{job.state}, version {job.version}"
            job.attempts += 1
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
                         attempt=job.attempts)

    def finish_render(self, job_id: str, outcome: Rendered) -> bool:
        """Record the stored files and verdict, then approve (`ok`, auto-approve on) or wait for QA.
        False when the job is no longer rendering (cancelled meanwhile): its files are not used."""
        with self._tx() as tx:
            job = self._job(tx, job_id)
            if job.state != S.rendering:
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
                    backoff: timedelta = timedelta(seconds=5)) -> str:
        """A render that could not finish: `queued` again (a new render message after `backoff`) while
        attempts remain and the cause may pass, `failed` with the reason otherwise. The new state, or
        the state it was left in when someone else moved it meanwhile."""
        with self._tx() as tx:
            job = self._job(tx, job_id)
            if job.state != S.rendering:
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
                raise ActionRefused("cancelled", f"Item {item.id} is cancelled.", job.state)
            if job.version != item.current_version:
                raise ActionRefused("superseded", f"Job {job.id} is version {job.version}; version "
                                    f"{item.current_version} replaced it.", job.state)
            code = ReasonCode.rejected if action == "reject" else None
            if action == "mark_shipped":
                job.carrier, job.tracking_number = carrier, tracking_number
            if action == "reprint":
                job.reprints += 1
            self._move(tx, job, action, actor, reason=reason, code=code)
            if action == "retry":
                job.attempts = 0
                tx.render(render_message(tx.session, job.brand, job.id, tx.at))
            item.order.updated_at = tx.at

    def requeue(self, job_ids: list[str]) -> int:
        """A new render message for each job still queued (the broker lost one); duplicates are harmless."""
        with self._tx() as tx:
            jobs = tx.session.scalars(select(Job).where(Job.id.in_(job_ids), Job.state == S.queued.value)).all()
            for job in jobs:
                tx.render(render_message(tx.session, job.brand, job.id, tx.at))
            return len(jobs)


PEOPLES_ACTIONS = ("approve", "reject", "mark_printed", "mark_shipped", "reprint", "retry")


class _Tx:
    """One transaction's session and time, and the render messages it wrote."""

    def __init__(self, session: Session, at: datetime) -> None:
        self.session, self.at = session, at
        self.renders: list[int] = []

    def render(self, message: OutboxMessage) -> None:
        self.session.flush()
        self.renders.append(message.id)


def _current(item: OrderItem) -> Job:
    return next(job for job in item.jobs if job.version == item.current_version)


def _item(order: Order, item_id: str) -> OrderItem:
    item = next((i for i in order.items if i.id == item_id), None)
    if item is None:
        raise NotFound("item-not-found", f"Order {order.id} has no item {item_id!r}.")
    return item


def _text(code: ReasonCode) -> str:
    from orders.reasons import message

    return message(code, "en")
