"""The relay against a real HTTP receiver on loopback: deliveries signed by the Standard Webhooks
specification (verified with the `standardwebhooks` library, not our code), retried with backoff after
a 500, the same event id on every attempt, stale render claims recovered, render messages sent once the
broker answers again."""

from __future__ import annotations

import json
import random
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook as Verifier

from records.models import DeliveryAttempt, Job, OutboxMessage
from queues.relay import Relay, RelayOptions
from tests.conftest import order_body


class Receiver:
    """A webhook endpoint on 127.0.0.1 that answers `fail_first` 500s per event id, then 204."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first, self.calls, self.lock = fail_first, [], threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.calls.append((dict(self.headers), body))
                    seen = sum(1 for h, _ in receiver.calls if h["webhook-id"] == self.headers["webhook-id"])
                self.send_response(500 if seen <= receiver.fail_first else 204)
                self.end_headers()

            def log_message(self, *args) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made: list[Receiver] = []

    def make(fail_first: int = 0) -> Receiver:
        made.append(Receiver(fail_first))
        return made[-1]

    yield make
    for r in made:
        r.close()


class MovableClock:
    """Real time plus an offset the test moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta

    def advance_to(self, when: datetime) -> None:
        self.offset += max(timedelta(0), when - self.now())


@pytest.fixture
def relay(services):
    clock = MovableClock()
    relay = Relay(services.sessions, services.queue, services.lifecycle, clock,
                  RelayOptions(allow_private=True, timeout=2.0), rng=random.Random(7))
    relay.clock_ = clock
    yield relay
    relay.close()


def _register(client, keys, url: str, brand: str = "myposter", events: list[str] | None = None) -> dict:
    response = client.post("/v1/webhooks", json={"url": url, "events": events or ["*"]},
                           headers=keys[brand, "shop"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _order(client, keys, photo, external_id: str = "MP-1") -> dict:
    shop = keys["myposter", "shop"]
    upload = client.post("/v1/uploads", data=photo.read_bytes(), headers={**shop, "Content-Type": "image/jpeg"})
    response = client.post("/v1/orders", json=order_body(upload.get_json()["id"], external_id=external_id),
                           headers=shop)
    assert response.status_code == 201
    return response.get_json()


@pytest.fixture
def private_ok(services, monkeypatch):
    """The API checks webhook URLs with its settings; these tests post to loopback."""
    monkeypatch.setattr(services, "settings", services.settings.model_copy(update={"webhooks_allow_private": True}))


def test_deliveries_are_signed_and_verify_with_the_standard_library(client, keys, photo, relay, receiver,
                                                                    private_ok):
    good = receiver()
    hook = _register(client, keys, good.url)
    order = _order(client, keys, photo)
    relay.run_once(wait=True)
    types = [json.loads(body)["type"] for _, body in good.calls]
    assert types == ["order.created"]
    headers, body = good.calls[0]
    payload = Verifier(hook["secret"]).verify(body, headers)  # raises unless the signature holds
    assert payload["data"]["order_id"] == order["id"] and payload["seq"] >= 1
    assert headers["webhook-id"] == payload["id"]
    assert set(payload) == {"id", "type", "seq", "created_at", "data"}


def test_a_failing_endpoint_is_retried_with_backoff_and_the_same_id(client, keys, photo, relay, receiver,
                                                                     private_ok, services):
    flaky = receiver(fail_first=2)
    hook = _register(client, keys, flaky.url)
    _order(client, keys, photo)
    first = relay.clock_.now()
    relay.run_once(wait=True)
    for _ in range(2):
        with services.sessions() as session:
            [message] = session.scalars(select(OutboxMessage).where(OutboxMessage.webhook_id == hook["id"])).all()
            assert message.state == "pending"
            assert message.available_at - relay.clock_.now() <= timedelta(seconds=15)  # next try soon
        relay.clock_.advance_to(message.available_at)
        relay.run_once(wait=True)
    ids = {h["webhook-id"] for h, _ in flaky.calls}
    assert len(flaky.calls) == 3 and len(ids) == 1
    with services.sessions() as session:
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.webhook_id == hook["id"])).one()
        log = session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.message_id == message.id)
                              .order_by(DeliveryAttempt.id)).all()
    assert message.state == "sent" and [a.status_code for a in log] == [500, 500, 204]
    assert relay.clock_.now() - first < timedelta(minutes=1)
    deliveries = client.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=keys["myposter", "shop"]).get_json()
    assert [a["status_code"] for a in deliveries["deliveries"][0]["log"]] == [500, 500, 204]


def test_a_delivery_gives_up_after_its_retry_window(client, keys, photo, relay, receiver, private_ok, services):
    dead = receiver(fail_first=10_000)
    hook = _register(client, keys, dead.url)
    _order(client, keys, photo)
    start = relay.clock_.now()
    for _ in range(80):
        relay.run_once(wait=True)
        with services.sessions() as session:
            message = session.scalars(select(OutboxMessage).where(OutboxMessage.webhook_id == hook["id"])).one()
        if message.state != "pending":
            break
        relay.clock_.advance_to(message.available_at)
    assert message.state == "failed"
    assert timedelta(hours=23) < relay.clock_.now() - start <= timedelta(hours=24, seconds=5)


def test_private_addresses_are_refused_at_delivery_too(client, keys, photo, services, receiver, private_ok):
    target = receiver()
    _register(client, keys, target.url)  # registered while private addresses were allowed
    strict = Relay(services.sessions, services.queue, services.lifecycle, MovableClock(),
                   RelayOptions(allow_private=False))
    try:
        _order(client, keys, photo)
        strict.run_once(wait=True)
    finally:
        strict.close()
    assert target.calls == []
    with services.sessions() as session:
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "webhook")).one()
    assert message.last_error == "url-private-address"


def test_render_messages_wait_for_the_broker(client, keys, photo, services, relay):
    class DownQueue:
        def send(self, job_id: str) -> None:
            raise ConnectionError("broker away")

        def send_slip(self, order_id: str) -> None:
            raise ConnectionError("broker away")

    up = services.queue
    services.relay.queue = DownQueue()  # the API's fast path cannot publish
    order = _order(client, keys, photo)
    job_id = order["items"][0]["job_id"]
    assert job_id not in up.sent
    relay.clock_.advance(timedelta(seconds=5))
    relay.run_once()
    assert up.sent == [job_id]  # the relay sent it once the broker answered; nothing was lost


def test_a_stale_rendering_claim_goes_back_to_the_queue(client, keys, photo, services, relay):
    job_id = _order(client, keys, photo)["items"][0]["job_id"]
    services.lifecycle.claim_render(job_id)  # the worker claims it, then dies without the broker noticing
    with services.sessions() as session:
        session.query(OutboxMessage).update({"state": "sent"})
        session.commit()
    services.queue.sent.clear()
    relay.run_once()
    assert services.queue.sent == []  # not yet stale
    relay.clock_.advance(relay.options.stale_after + timedelta(seconds=1))
    relay.run_once()
    relay.clock_.advance(timedelta(seconds=1))
    relay.run_once()
    with services.sessions() as session:
        assert session.get(Job, job_id).state == "queued"
    assert services.queue.sent == [job_id]
