"""A relay killed between commit and publish loses no render and no event, on both stacks.

Orders are committed while the broker is unreachable for the committing process (its after-commit
publish fails, as if it had died right after the commit). A real `printline relay` process then
publishes; it is SIGKILLed in the middle of its work and started again. Every job must reach the
queue at least once and every event the webhook receiver at least once; duplicates are counted
(the render task and the shop's receiver are idempotent: webhook-id is the same on every attempt).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from records.models import OutboxMessage, Webhook
from orders.lifecycle import Actor
from vocab.spec import OrderSpec
from tests.conftest import CLI, order_body, stack_env
from tests.queues.test_relay import Receiver

pytestmark = pytest.mark.integration
ORDERS = 150


class DownQueue:
    def send(self, job_id: str) -> None:
        raise ConnectionError("broker unreachable")

    def send_slip(self, order_id: str) -> None:
        raise ConnectionError("broker unreachable")


def _pending(services, kind: str) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.kind == kind, OutboxMessage.state == "pending"))


def _drain(env: dict[str, str]) -> Counter:
    """Every render message in the run's queue, by job id (consumed with kombu, as a worker would)."""
    from kombu import Connection

    from printline.settings import Settings
    from queues.celery_app import make_celery, render_queue

    settings = Settings(**{k[len("PRINTLINE_"):].lower(): v for k, v in env.items()
                                           if k.startswith("PRINTLINE_")})
    app = make_celery(settings)
    seen: Counter = Counter()
    with Connection(settings.effective_broker_url,
                    transport_options=app.conf.broker_transport_options) as conn:
        queue = conn.SimpleQueue(render_queue(settings))  # the same arguments (quorum on RabbitMQ)
        try:
            while True:
                try:
                    message = queue.get(block=True, timeout=2)
                except queue.Empty:
                    break
                seen[message.payload[0][0]] += 1
                message.ack()
        finally:
            queue.close()
    return seen


@pytest.mark.parametrize("kind", ["full-stack", "embedded"])
def test_a_killed_relay_loses_nothing(request, tmp_path: Path, kind: str):
    env = stack_env(request, tmp_path, kind, PRINTLINE_WEBHOOK_LEASE_SECONDS="2")
    subprocess.run([*CLI, "db", "upgrade"], env=env, check=True, capture_output=True)
    from printline.services import build_services
    from printline.settings import Settings

    settings = Settings(**{k[len("PRINTLINE_"):].lower(): v for k, v in env.items()
                                           if k.startswith("PRINTLINE_")})
    services = build_services(settings, queue=DownQueue())
    receiver = Receiver()
    try:
        with services.sessions() as session:
            session.add(Webhook(brand="myposter", url=receiver.url, events=["order.created"], description="",
                                secret="whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", created_at=services.clock.now()))
            session.commit()
        jobs = []
        for n in range(ORDERS):
            spec = OrderSpec.model_validate(order_body("upl_none", external_id=f"CRASH-{n}"))
            jobs += services.lifecycle.submit_order(brand="myposter", spec=spec, idempotency_key=None,
                                                    actor=Actor("shop", "test")).job_ids
        assert _pending(services, "render") == ORDERS and _pending(services, "webhook") == ORDERS

        log = (tmp_path / "relay-1.log").open("w")
        first = subprocess.Popen([*CLI, "relay"], env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while _pending(services, "render") == ORDERS and not receiver.calls and time.time() < deadline:
            time.sleep(0.01)
        os.kill(first.pid, signal.SIGKILL)  # mid-work: some published, some not, some not yet marked
        first.wait(timeout=10)
        delivered_before_kill = len(receiver.calls)
        left = (_pending(services, "render"), _pending(services, "webhook"))

        second = subprocess.Popen([*CLI, "relay"], env=env, stdout=(tmp_path / "relay-2.log").open("w"),
                                  stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 45
            while (_pending(services, "render") or _pending(services, "webhook")) and time.time() < deadline:
                time.sleep(0.2)
            assert _pending(services, "render") == 0 and _pending(services, "webhook") == 0, \
                (tmp_path / "relay-2.log").read_text()[-3000:]
        finally:
            second.terminate()
            second.wait(timeout=20)
        published = _drain(env)
        delivered = Counter(headers["webhook-id"] for headers, _ in receiver.calls)
        lost_jobs = set(jobs) - set(published)
        print(f"{kind}: killed with {left[0]} renders and {left[1]} deliveries pending "
              f"({delivered_before_kill} delivered); "
              f"{sum(published.values()) - len(published)} duplicate render messages, "
              f"{sum(delivered.values()) - len(delivered)} duplicate deliveries")
        # The kill came after the first relay had started: it had marked rows as sent, or it had
        # delivered to the shop without marking yet (the window this test is about).
        assert left[0] < ORDERS or left[1] < ORDERS or delivered_before_kill > 0
        assert lost_jobs == set() and len(published) == ORDERS
        assert len(delivered) == ORDERS  # every order.created reached the shop
    finally:
        receiver.close()
        services.relay.close()
        services.engine.dispose()
