"""The outbox relay: sends what the lifecycle's transactions wrote, after their commit.

- **Render messages** go to the queue; a row is marked sent only after the broker took it, so a crash
  between commit and publish loses nothing, and a crash after the publish at worst sends one twice
  (the render task is idempotent: a job no longer queued is skipped).
- **Webhook deliveries** are claimed with a lease (so two relays never post the same delivery at
  once, and a relay that dies mid-post leaves it to be tried again), checked against the SSRF rules
  at each attempt, signed, posted, logged per attempt, and rescheduled with backoff until they succeed
  or their time is up.
- **Stale claims**: a job left `rendering` past the render time limit (its worker died without the
  broker redelivering) goes back to the queue through `fail_render`, or fails once attempts are used up.

It runs beside the worker (`printline worker` starts it), in the embedded runner through that worker,
and alone as `printline relay`.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from records.models import DeliveryAttempt, FeedEvent, Job, OutboxMessage, Webhook
from records.outbox import FAILED, PENDING, RENDER, SENT, SHEET, SLIP, WEBHOOK, event_object
from orders.lifecycle import Lifecycle
from orders.reasons import ReasonCode, message
from orders.states import JobState
from queues.webhooks.addresses import Target, UrlRefused, check_url, system_resolve
from queues.webhooks.delivery import DeliveryResult, deliver
from queues.webhooks.schedule import next_attempt_at
from queues.webhooks.signing import sign

log = structlog.get_logger("printline.relay")
BROKER_BACKOFF = timedelta(seconds=2)


class RenderQueue(Protocol):
    def send(self, job_id: str) -> None: ...

    def send_slip(self, order_id: str) -> None: ...

    def send_sheet(self, sheet_id: str) -> None: ...


Deliver = Callable[..., DeliveryResult]


@dataclass(frozen=True)
class RelayOptions:
    allow_private: bool = False  # PRINTLINE_WEBHOOKS_ALLOW_PRIVATE: tests and demos reach loopback
    timeout: float = 10.0
    max_age: timedelta = timedelta(hours=24)
    stale_after: timedelta = timedelta(seconds=960)  # task time limit plus a margin
    lease: timedelta = timedelta(seconds=60)  # a claimed delivery is tried again after this if its relay died
    batch: int = 100
    delivery_threads: int = 8


@dataclass
class RelayCounts:
    renders: int = 0
    deliveries: int = 0
    recovered: int = 0

    def __bool__(self) -> bool:
        return bool(self.renders or self.deliveries or self.recovered)


class Relay:
    """One relay over a database, a render queue and the webhook endpoints."""

    def __init__(self, sessions: sessionmaker[Session], queue: RenderQueue, lifecycle: Lifecycle, clock,
                 options: RelayOptions = RelayOptions(), *, post: Deliver = deliver,
                 resolve: Callable[[str, int], list[str]] = system_resolve, rng: random.Random | None = None) -> None:
        self.sessions, self.queue, self.lifecycle, self.clock = sessions, queue, lifecycle, clock
        self.options, self.post, self.resolve = options, post, resolve
        self.rng = rng or random.Random()
        self._pool = ThreadPoolExecutor(max_workers=options.delivery_threads, thread_name_prefix="webhook")
        self._inflight: list[Future] = []

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    # ------------------------------------------------------------------ loop

    def run(self, stop: threading.Event, interval: float = 0.5) -> None:
        """Relay until `stop` is set; a database or broker fault is logged and tried again."""
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # the relay outlives outages of what it relays to
                log.exception("relay_pass_failed")
                busy = RelayCounts()
            stop.wait(0.05 if busy else interval)

    def run_once(self, *, wait: bool = False) -> RelayCounts:
        """One pass; `wait` waits for the deliveries it started (tests)."""
        counts = RelayCounts(renders=self.publish_renders())
        counts.deliveries = self.deliver_webhooks(wait=wait)
        counts.recovered = self.recover_stale_claims()
        return counts

    # ------------------------------------------------------------------ render messages

    def publish_renders(self, ids: Sequence[int] | None = None) -> int:
        """Send due render, packing-slip and sheet messages (only `ids` when given: the fast path right
        after a commit)."""
        now, sent = self.clock.now(), 0
        with self.sessions() as session:
            stmt = (select(OutboxMessage).where(OutboxMessage.kind.in_((RENDER, SLIP, SHEET)),
                                                OutboxMessage.state == PENDING,
                                                OutboxMessage.available_at <= now)
                    .order_by(OutboxMessage.id).limit(self.options.batch).with_for_update(skip_locked=True))
            if ids is not None:
                stmt = stmt.where(OutboxMessage.id.in_(list(ids)))
            for row in session.scalars(stmt).all():
                try:
                    if row.kind == RENDER:
                        self.queue.send(row.job_id)
                    elif row.kind == SHEET:
                        self.queue.send_sheet(row.sheet_id)
                    else:
                        self.queue.send_slip(row.order_id)
                except Exception as exc:  # noqa: BLE001 - the broker is away: keep the row, try later
                    row.attempts += 1
                    row.available_at = now + BROKER_BACKOFF
                    row.last_error = type(exc).__name__[:200]
                    log.warning("render_publish_failed", job_id=row.job_id, error=type(exc).__name__)
                    break
                row.state, row.sent_at, row.attempts = SENT, now, row.attempts + 1
                sent += 1
            session.commit()
        return sent

    def publish_now(self, ids: list[int]) -> None:
        """After-commit hook of the API and the worker: send these at once, never fail the caller."""
        try:
            self.publish_renders(ids)
        except Exception:  # the relay sends them later
            log.warning("render_publish_deferred", outbox_ids=ids)

    # ------------------------------------------------------------------ webhooks

    def deliver_webhooks(self, *, wait: bool = False) -> int:
        """Claim due deliveries (a lease) and post them on the pool, at most a few per thread in
        flight, so a slow endpoint (up to the 10 s timeout) never holds up render messages."""
        self._inflight = [f for f in self._inflight if not f.done()]
        room = self.options.delivery_threads * 4 - len(self._inflight)
        claimed = self._claim_deliveries(min(room, self.options.batch)) if room > 0 else []
        futures = [self._pool.submit(self._deliver_one, message_id) for message_id in claimed]
        self._inflight.extend(futures)
        if wait:
            for future in futures:
                future.result()
        return len(claimed)

    def _claim_deliveries(self, limit: int) -> list[int]:
        now = self.clock.now()
        with self.sessions() as session:
            rows = session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == WEBHOOK, OutboxMessage.state == PENDING,
                                            OutboxMessage.available_at <= now)
                .order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)).all()
            for row in rows:
                row.available_at = now + self.options.lease
            session.commit()
            return [row.id for row in rows]

    def _deliver_one(self, message_id: int) -> None:
        try:
            self._attempt(message_id)
        except Exception:  # noqa: BLE001 - the lease expires and the delivery is tried again
            log.exception("webhook_attempt_failed", outbox_id=message_id)

    def _attempt(self, message_id: int) -> None:
        with self.sessions() as session:
            row = session.get(OutboxMessage, message_id)
            webhook = session.get(Webhook, row.webhook_id)
            event = session.get(FeedEvent, row.event_id)
            now = self.clock.now()
            if webhook is None or webhook.deleted_at is not None:
                row.state, row.last_error = FAILED, "webhook-deleted"
                session.commit()
                return
            secrets = [webhook.secret]
            if webhook.previous_secret and (webhook.previous_secret_expires_at or now) > now:
                secrets.append(webhook.previous_secret)
            url = webhook.url
            body = json.dumps(event_object(event), ensure_ascii=False, separators=(",", ":")).encode()
            event_id = event.id
        result = self._post(url, secrets, event_id, body, now)
        self._record(message_id, result)

    def _post(self, url: str, secrets: list[str], event_id: str, body: bytes, now: datetime) -> DeliveryResult:
        try:
            target: Target = check_url(url, allow_private=self.options.allow_private, resolve=self.resolve)
        except UrlRefused as refused:
            return DeliveryResult(status_code=None, ok=False, error=refused.code, duration_ms=0,
                                  response_excerpt="")
        try:
            headers = sign(secrets, event_id, int(now.timestamp()), body)
        except ValueError:
            return DeliveryResult(status_code=None, ok=False, error="secret-invalid", duration_ms=0,
                                  response_excerpt="")
        return self.post(target, headers, body, timeout=self.options.timeout)

    def _record(self, message_id: int, result: DeliveryResult) -> None:
        with self.sessions() as session:
            row = session.get(OutboxMessage, message_id, with_for_update=True)
            now = self.clock.now()
            session.add(DeliveryAttempt(message_id=row.id, at=now, status_code=result.status_code,
                                        error=result.error, duration_ms=result.duration_ms))
            row.attempts += 1
            row.first_attempt_at = row.first_attempt_at or now
            row.last_status, row.last_error = result.status_code, result.error
            if result.ok:
                row.state, row.sent_at = SENT, now
            else:
                due = next_attempt_at(row.attempts, row.first_attempt_at, now, rng=self.rng,
                                      max_age=self.options.max_age)
                if due is None:
                    row.state = FAILED
                else:
                    row.available_at = due
            session.commit()
        log.info("webhook_attempt", outbox_id=message_id, status=result.status_code, error=result.error)

    # ------------------------------------------------------------------ stale claims

    def recover_stale_claims(self) -> int:
        """Jobs `rendering` for longer than a render may take, with no render message waiting: their
        worker is gone. Back to the queue while attempts remain (the claim counts them), failed after."""
        cutoff = self.clock.now() - self.options.stale_after
        with self.sessions() as session:
            waiting = select(OutboxMessage.job_id).where(OutboxMessage.kind == RENDER,
                                                         OutboxMessage.state == PENDING)
            stale = session.scalars(select(Job.id).where(Job.state == JobState.rendering.value,
                                                         Job.updated_at < cutoff,
                                                         Job.id.not_in(waiting))).all()
        for job_id in stale:
            self.lifecycle.fail_render(job_id, ReasonCode.attempts_exhausted,
                                       message(ReasonCode.attempts_exhausted), retryable=True,
                                       backoff=timedelta(0))
        return len(stale)
