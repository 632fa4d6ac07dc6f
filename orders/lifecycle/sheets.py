"""Press sheets of card jobs: request, build (worker), print, cancel; a job on one active sheet only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from records.models import Job, Order, OrderItem, Sheet, SheetEvent, SheetJob
from records.outbox import emit, sheet_message
from orders.lifecycle.base import SHEET_WORKER, STALE, ActionRefused, Actor, LifecycleBase, NotFound, _Tx
from orders.states import (
    ACTIVE_SHEET_STATES,
    IllegalSheetTransition,
    JobState,
    SheetState,
    check_sheet_action,
)

S = JobState


class SheetRefused(ActionRefused):
    """Jobs that cannot go on a sheet: `jobs` maps each to why (its state, product or other sheet);
    `status` 422 when no state change could make the request good (not cards, mixed printers), else 409."""

    def __init__(self, code: str, message: str, jobs: Mapping[str, str] | None = None, *,
                 status: int = 409) -> None:
        super().__init__(code, message)
        self.jobs, self.status = dict(jobs or {}), status


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


class SheetActions(LifecycleBase):
    """The actions on press sheets of card jobs."""

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
            stmt = (select(Job).join(Job.item).join(OrderItem.order)
                    .where(Job.brand == brand, Job.state == S.approved.value,
                           Job.version == OrderItem.current_version, OrderItem.cancelled_at.is_(None),
                           OrderItem.product.in_(products), Order.sandbox.is_(False))
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
        sandbox = {j.id: "sandbox" for j in jobs if j.item.order.sandbox}
        if sandbox:
            raise SheetRefused("sandbox", "Sandbox orders never go on a press sheet: " + ", ".join(sandbox) + ".",
                               sandbox, status=422)
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
