"""The shop's actions on orders: submit, cancel a line or the order, a new image."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from records.intake import IntakeResult, PricedOrder, existing_order, order_rows, replay, request_hash
from records.models import Job, Order, OrderItem
from records.outbox import emit, slip_message
from orders.lifecycle.base import ActionRefused, Actor, LifecycleBase, _current, _item, _job_data, _Tx
from orders.reasons import ReasonCode
from vocab.spec import OrderSpec
from orders.states import JobState

S = JobState


class OrderActions(LifecycleBase):
    """The shop's actions on orders."""

    def submit_order(self, *, brand: str, spec: OrderSpec, idempotency_key: str | None, actor: Actor,
                     quote: PricedOrder | None = None, sandbox: bool = False) -> IntakeResult:
        """Record a validated, priced order with one queued job per item, or return the one it
        repeats (same Idempotency-Key or external_id with the same body; another body is a conflict).
        A `sandbox` order (a sandbox key's) renders like any other and never enters production."""
        digest = request_hash(spec)
        with self.sessions() as session:
            found, field = existing_order(session, brand, idempotency_key, spec.external_id)
            if found is not None:
                return replay(found, field, digest)
        try:
            with self._tx() as tx:
                order = order_rows(spec, quote, brand=brand, idempotency_key=idempotency_key, digest=digest,
                                   at=tx.at)
                order.sandbox = sandbox
                tx.session.add(order)
                tx.session.flush()
                jobs = [self._new_job(tx, item, brand, actor, "order received") for item in order.items]
                lines = [{"item_id": item.id, "job_id": job.id, "product": item.product,
                          "quantity": item.quantity} for item, job in zip(order.items, jobs)]
                emit(tx.session, brand, "order.created",
                     {"order_id": order.id, "external_id": order.external_id, "items": lines}, tx.at,
                     sandbox=sandbox)
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
                                "cancelled (production may still reprint it).", job.state, item=item.id)
        if item.cancelled_at is not None:
            raise ActionRefused("already-cancelled", f"Item {item.id} is already cancelled.", job.state,
                                item=item.id)
        tx.session.refresh(job, with_for_update=True)
        text = reason or "cancelled by the shop"
        self._move(tx, job, "cancel", actor, reason=text, code=ReasonCode.cancelled)
        self._stale_sheet(tx, job, f"job {job.id} was cancelled ({text})")
        item.cancelled_at, item.cancel_reason = tx.at, text
        emit(tx.session, order.brand, "item.cancelled",
             {"order_id": order.id, "external_id": order.external_id, "item_id": item.id, "job_id": job.id,
              "product": item.product, "quantity": item.quantity, "reason": text}, tx.at, sandbox=order.sandbox)
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
              "kept_items": printed}, tx.at, sandbox=order.sandbox)

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
                                    "for rejected or failed items.", job.state)  # {state}: the job's
            item.spec = spec
            item.current_version += 1
            order.updated_at = tx.at
            new = self._new_job(tx, item, brand, actor, "new image")
            emit(tx.session, brand, "job.state_changed", _job_data(new, None), tx.at, sandbox=order.sandbox)
            return new.id
