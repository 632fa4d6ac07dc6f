"""The lifecycle of orders and jobs: one method per named action, each one transaction that checks
the transition table (`orders.states.RULES`), changes the state, and writes its audit event, its feed
event and its outbox rows. Views and tasks call these and hold no lifecycle rule of their own.

Side effects leave after the commit: the rows this module writes are sent by the relay
(`queues/relay.py`); `after_commit` gets the ids of new render messages so the calling process can send
them at once (the relay catches what it misses). Modelled on saleor's `order/actions.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker

from orders.db.intake import IntakeResult, PricedOrder, existing_order, order_rows, replay, request_hash
from orders.db.models import Event, Job, Order, OrderItem, OutboxMessage, Sheet, SheetEvent, SheetJob, Upload
from orders.db.outbox import emit, render_message, sheet_message, slip_message
from orders.reasons import ReasonCode
from orders.spec import ItemSpec, OrderSpec
from orders.states import (
    ACTIVE_SHEET_STATES,
    IllegalSheetTransition,
    JobState,
    SheetState,
    check_action,
    check_sheet_action,
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


class NotFound(LookupError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class ActionRefused(Exception):
    """The action is not allowed now (a 409): `code` for programs, `message` for people."""

    def __init__(self, code: str, message: str, state: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.state = code, message, state


class SheetRefused(ActionRefused):
    """Jobs that cannot go on a sheet: `jobs` maps each to why (its state, product or other sheet);
    `status` 422 when no state change could make the request good (not cards, mixed printers), else 409."""

    def __init__(self, code: str, message: str, jobs: Mapping[str, str] | None = None, *,
                 status: int = 409) -> None:
        super().__init__(code, message)
        self.jobs, self.status = dict(jobs or {}), status


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


@dataclass(frozen=True)
class SheetCard:
    """One job of a sheet as the sheet worker needs it."""

    job_id: str
    product: str
    quantity: int
    printfile_key: str


@dataclass(frozen=True)
class SheetClaim:
    """What a worker needs to impose one sheet, read while the sheet is `building`."""

    sheet_id: str
    brand: str
    printer: str
    product: str | None
    created_at: datetime
    cards: list[SheetCard]


@dataclass(frozen=True)
class SheetBuilt:
    """The stored outcome of an imposition that the sheet records."""

    file_key: str
    sheets: int
    per_sheet: dict[str, int]
    paper_use: dict[str, float]


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
        self._stale_sheet(tx, job, f"job {job.id} was cancelled ({text})")
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
            if action == "mark_printed":
                sheet = self._active_sheet(tx, job)
                if sheet is not None:
                    raise ActionRefused("on-sheet", f"Job {job.id} is on sheet {sheet.id} ({sheet.state}): mark "
                                        "the sheet printed, or cancel the sheet first.", job.state)
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

    # ------------------------------------------------------------------ press sheets (production, worker)

    def _sheet(self, tx: _Tx, sheet_id: str, brand: str | None = None) -> Sheet:
        stmt = select(Sheet).where(Sheet.id == sheet_id).with_for_update()
        if brand is not None:
            stmt = stmt.where(Sheet.brand == brand)
        sheet = tx.session.scalar(stmt)
        if sheet is None:
            raise NotFound("sheet-not-found", f"No sheet {sheet_id!r} for this brand.")
        return sheet

    def _sheet_move(self, tx: _Tx, sheet: Sheet, action: str, actor: Actor, *, reason: str | None = None,
                    code: str | None = None) -> None:
        """Apply one sheet rule: state, times, reason, its audit row and feed event; a sheet that leaves
        building/ready frees its jobs for another sheet."""
        current = SheetState(sheet.state)
        try:
            rule = check_sheet_action(action, current, actor.role)
        except IllegalSheetTransition as exc:
            raise ActionRefused("sheet-" + current.value, f"Sheet {sheet.id}: {exc}.", current.value) from None
        sheet.state, sheet.updated_at = rule.target.value, tx.at
        if rule.target in (SheetState.failed, SheetState.cancelled):
            sheet.reason, sheet.reason_code = reason, code
        if rule.target in (SheetState.ready, SheetState.failed):
            sheet.finished_at = tx.at
        if rule.target is SheetState.printed:
            sheet.printed_at = tx.at
        if rule.target not in ACTIVE_SHEET_STATES:
            for row in tx.session.scalars(select(SheetJob).where(SheetJob.sheet_id == sheet.id)):
                row.active = None
        tx.session.add(SheetEvent(sheet_id=sheet.id, from_state=current.value, to_state=rule.target.value,
                                  actor=actor.label, reason=reason, at=tx.at))
        self._sheet_event(tx, sheet, current.value)

    def _sheet_event(self, tx: _Tx, sheet: Sheet, previous: str | None) -> None:
        jobs = tx.session.execute(select(SheetJob.job_id, SheetJob.quantity).where(SheetJob.sheet_id == sheet.id)
                                  .order_by(SheetJob.position)).all()
        emit(tx.session, sheet.brand, "sheet.state_changed",
             {"sheet_id": sheet.id, "state": sheet.state, "previous_state": previous, "printer": sheet.printer,
              "reason": sheet.reason, "reason_code": sheet.reason_code, "cards": sheet.cards,
              "jobs": [{"job_id": j.job_id, "quantity": j.quantity} for j in jobs]}, tx.at)

    def _active_sheet(self, tx: _Tx, job: Job) -> Sheet | None:
        """The building or ready sheet the job sits on (locked), if any."""
        sheet_id = tx.session.scalar(select(SheetJob.sheet_id).where(SheetJob.job_id == job.id,
                                                                     SheetJob.active.is_(True)))
        return None if sheet_id is None else self._sheet(tx, sheet_id)

    def _stale_sheet(self, tx: _Tx, job: Job, why: str) -> None:
        """A job on a building or ready sheet left production (cancelled, rejected): the sheet would print
        it, so it is cancelled with the reason and its other jobs are free for the sheet built next."""
        sheet = self._active_sheet(tx, job)
        if sheet is not None:
            self._sheet_move(tx, sheet, "stale_sheet", STALE, code="stale",
                             reason=f"{why}; build a new sheet for the other jobs")

    def _sheet_candidates(self, tx: _Tx, brand: str, cards: Mapping[str, str], job_ids: Sequence[str] | None,
                          printer: str | None, product: str | None) -> tuple[str, list[Job]]:
        """The printer and the jobs (locked, in order) a sheet request names, or SheetRefused/NotFound."""
        load = selectinload(Job.item).selectinload(OrderItem.order)
        if job_ids is None:
            if printer not in set(cards.values()):
                raise SheetRefused("no-card-printer", f"No card product of this brand prints on {printer!r}.",
                                   status=422)
            products = [p for p, on in cards.items() if on == printer and (product is None or p == product)]
            if not products:
                raise SheetRefused("not-card-product", f"{product!r} is not a card product on {printer}.",
                                   status=422)
            stmt = (select(Job).join(Job.item).where(Job.brand == brand, Job.state == S.approved.value,
                                                     Job.version == OrderItem.current_version,
                                                     OrderItem.cancelled_at.is_(None),
                                                     OrderItem.product.in_(products))
                    .order_by(Job.updated_at, Job.id).with_for_update(of=Job).options(load))
            jobs = list(tx.session.scalars(stmt))
            busy = set(tx.session.scalars(select(SheetJob.job_id).where(
                SheetJob.job_id.in_([j.id for j in jobs]), SheetJob.active.is_(True))))
            jobs = [j for j in jobs if j.id not in busy]  # checked after the lock: nothing slips in between
            if not jobs:
                raise ActionRefused("nothing-to-impose", f"No approved {product or 'card'} jobs for {printer} "
                                    "that are not on a sheet already.")
            return printer, jobs
        wanted = list(dict.fromkeys(job_ids))
        found = {j.id: j for j in tx.session.scalars(select(Job).where(Job.id.in_(wanted), Job.brand == brand)
                                                     .order_by(Job.id).with_for_update().options(load))}
        missing = [i for i in wanted if i not in found]
        if missing:
            raise NotFound("job-not-found", f"No job {', '.join(missing)} for this brand.")
        jobs = [found[i] for i in wanted]
        not_cards = {j.id: j.item.product for j in jobs if j.item.product not in cards
                     or (product is not None and j.item.product != product)}
        if not_cards:
            what = "card jobs" if product is None else f"{product} jobs"
            raise SheetRefused("not-card", "Only " + what + " go on a sheet: "
                               + ", ".join(f"{k} is {v}" for k, v in not_cards.items()) + ".", not_cards, status=422)
        printers = {cards[j.item.product] for j in jobs}
        if len(printers) > 1 or (printer is not None and printers != {printer}):
            on = {j.id: cards[j.item.product] for j in jobs}
            raise SheetRefused("mixed-printers", "The jobs of one sheet print on one printer: "
                               + ", ".join(f"{k} on {v}" for k, v in on.items()) + ".", on, status=422)
        unready = {j.id: j.state if j.version == j.item.current_version else "superseded" for j in jobs
                   if j.state != S.approved.value or j.version != j.item.current_version}
        if unready:
            raise SheetRefused("not-approved", "Only approved jobs go on a sheet: "
                               + ", ".join(f"{k} is {v}" for k, v in unready.items()) + ".", unready)
        busy = {r.job_id: r.sheet_id for r in tx.session.execute(
            select(SheetJob.job_id, SheetJob.sheet_id).where(SheetJob.job_id.in_(wanted), SheetJob.active.is_(True)))}
        if busy:
            raise SheetRefused("on-active-sheet", "A job sits on one active sheet at most: "
                               + ", ".join(f"{k} is on {v}" for k, v in busy.items())
                               + "; print or cancel that sheet first.", busy)
        return printers.pop(), jobs

    def request_sheet(self, *, brand: str, actor: Actor, cards: Mapping[str, str],
                      job_ids: Sequence[str] | None = None, printer: str | None = None,
                      product: str | None = None) -> str:
        """Production asks for a press sheet of the named jobs, or of every approved card job for
        `printer` (of `product`) not yet on an active sheet. `cards` maps the brand's card products to
        their printers (the catalogue's word). The new sheet is `building`; a sheet message asks a worker
        to impose it. The sheet's id; SheetRefused naming the jobs that cannot go on it."""
        try:
            with self._tx() as tx:
                printer, jobs = self._sheet_candidates(tx, brand, cards, job_ids, printer, product)
                sheet = Sheet(brand=brand, printer=printer, product=product, state=SheetState.building.value,
                              cards=sum(j.item.quantity for j in jobs), requested_by=actor.label,
                              created_at=tx.at, updated_at=tx.at)
                tx.session.add(sheet)
                tx.session.flush()
                for position, job in enumerate(jobs):
                    tx.session.add(SheetJob(sheet_id=sheet.id, job_id=job.id, position=position,
                                            quantity=job.item.quantity, active=True))
                tx.session.add(SheetEvent(sheet_id=sheet.id, from_state=None, to_state=sheet.state,
                                          actor=actor.label, reason=None, at=tx.at))
                tx.session.flush()
                self._sheet_event(tx, sheet, None)
                tx.render(sheet_message(tx.session, brand, sheet.id, tx.at))
                return sheet.id
        except IntegrityError:  # another request put one of these jobs on its sheet at the same moment
            raise SheetRefused("on-active-sheet", "One of these jobs was just put on another sheet; "
                               "look at the sheets and ask again.") from None

    def claim_sheet(self, sheet_id: str) -> SheetClaim | str:
        """What the worker needs to impose a `building` sheet; a string saying why there is nothing to
        do otherwise (built already, failed, cancelled, missing)."""
        with self._tx() as tx:
            sheet = tx.session.scalar(select(Sheet).where(Sheet.id == sheet_id))
            if sheet is None:
                return "missing"
            if sheet.state != SheetState.building:
                return sheet.state
            rows = tx.session.execute(select(SheetJob.job_id, SheetJob.quantity, OrderItem.product,
                                             Job.printfile_key)
                                      .join(Job, Job.id == SheetJob.job_id).join(OrderItem, OrderItem.id == Job.item_id)
                                      .where(SheetJob.sheet_id == sheet.id).order_by(SheetJob.position)).all()
            return SheetClaim(sheet_id=sheet.id, brand=sheet.brand, printer=sheet.printer, product=sheet.product,
                              created_at=sheet.created_at,
                              cards=[SheetCard(job_id=r.job_id, product=r.product, quantity=r.quantity,
                                               printfile_key=r.printfile_key or "") for r in rows])

    def finish_sheet(self, sheet_id: str, outcome: SheetBuilt) -> bool:
        """Record the stored sheet PDF: the sheet is `ready`. False when it is no longer building
        (cancelled or stale meanwhile): its file is not used."""
        with self._tx() as tx:
            sheet = self._sheet(tx, sheet_id)
            if sheet.state != SheetState.building:
                return False
            sheet.file_key, sheet.sheets = outcome.file_key, outcome.sheets
            sheet.per_sheet, sheet.paper_use = dict(outcome.per_sheet), dict(outcome.paper_use)
            self._sheet_move(tx, sheet, "finish_sheet", SHEET_WORKER)
            return True

    def fail_sheet(self, sheet_id: str, code: str, reason: str) -> str:
        """A sheet that could not be built: `failed` with a reason a person can act on; its jobs are free
        again. The sheet's state afterwards (unchanged when it was no longer building)."""
        with self._tx() as tx:
            sheet = self._sheet(tx, sheet_id)
            if sheet.state == SheetState.building:
                self._sheet_move(tx, sheet, "fail_sheet", SHEET_WORKER, reason=reason, code=code)
            return sheet.state

    def mark_sheet_printed(self, *, brand: str, sheet_id: str, actor: Actor, reason: str | None = None) -> None:
        """Production printed a ready sheet: the sheet is `printed` and each of its jobs is marked printed
        by the `mark_printed` rule, with its events, in this one transaction (all or none)."""
        with self._tx() as tx:
            job_ids = tx.session.scalars(select(SheetJob.job_id).join(Sheet).where(
                SheetJob.sheet_id == sheet_id, Sheet.brand == brand)).all()
            jobs = tx.session.scalars(  # the jobs before the sheet, in the order a job's cancel locks them
                select(Job).where(Job.id.in_(job_ids)).order_by(Job.id).with_for_update()
                .options(selectinload(Job.item).selectinload(OrderItem.order))).all()
            sheet = self._sheet(tx, sheet_id, brand)
            if sheet.state != SheetState.ready:
                self._sheet_move(tx, sheet, "mark_sheet_printed", actor)  # refuses, naming the state
            text = reason or f"printed on sheet {sheet.id}"
            for job in jobs:
                item = job.item
                if item.cancelled_at is not None or job.version != item.current_version:
                    raise ActionRefused("sheet-job-gone", f"Job {job.id} on sheet {sheet.id} is cancelled or "
                                        "superseded; cancel the sheet and build a new one.", job.state)
                self._move(tx, job, "mark_printed", actor, reason=text)
                item.order.updated_at = tx.at
            self._sheet_move(tx, sheet, "mark_sheet_printed", actor, reason=reason)

    def cancel_sheet(self, *, brand: str, sheet_id: str, actor: Actor, reason: str | None = None) -> None:
        """Production drops a building or ready sheet: `cancelled`, its jobs free for another sheet (they
        stay approved)."""
        with self._tx() as tx:
            sheet = self._sheet(tx, sheet_id, brand)
            self._sheet_move(tx, sheet, "cancel_sheet", actor, reason=reason or "cancelled by production",
                             code="cancelled")


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
