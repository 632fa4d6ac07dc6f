"""The lifecycle's vocabulary and machinery: who acts (Actor), the policy, the refusals, one
transaction (`_Tx`) and the shared steps of every action (`LifecycleBase._move` applies one rule of the
table with its audit event and feed event)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from records.models import Event, Job, Order, OrderItem, OutboxMessage
from records.outbox import emit, render_message
from orders.reasons import ReasonCode
from orders.states import (
    JobState,
    check_action,
)

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
SHEET_WORKER, STALE = Actor("worker", "sheet"), Actor("system", "lifecycle")


@dataclass(frozen=True)
class Policy:
    auto_approve: bool = True
    max_attempts: int = 3
    outage_retries: int = 12  # storage/database faults: retries not counted as attempts
    backoff_cap: float = 60.0  # seconds: outage backoff 2, 4, 8 ... up to this (12 retries ~ 8 min)


class NotFound(LookupError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class ActionRefused(Exception):
    """The action is not allowed now (a 409): `code` for programs, `message` for people (English; the
    API says it in the caller's language from its catalogue by `code`, formatted with `values`)."""

    def __init__(self, code: str, message: str, state: str | None = None, **values: object) -> None:
        super().__init__(message)
        self.code, self.message, self.state, self.values = code, message, state, values


def _job_data(job: Job, previous: str | None) -> dict[str, Any]:
    item = job.item
    data = {"order_id": item.order_id, "external_id": item.order.external_id, "item_id": item.id,
            "job_id": job.id, "version": job.version, "state": job.state, "previous_state": previous,
            "reason": job.reason, "reason_code": job.reason_code, "quantity": item.quantity,
            "product": item.product, "reprints": job.reprints}
    if job.state == S.shipped:
        data.update(carrier=job.carrier, tracking_number=job.tracking_number)
    return data


class LifecycleBase:
    """The database, clock and policy the actions run on; the shared steps."""

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
        emit(tx.session, job.brand, "job.state_changed", _job_data(job, current.value), tx.at,
             sandbox=job.item.order.sandbox)

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
