"""Deliveries against a real HTTP(S) server on 127.0.0.1 (never any other address)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from queues.webhooks.addresses import Target, check_url
from queues.webhooks.delivery import EXCERPT_CHARS, deliver
from queues.webhooks.signing import new_secret, sign
from tests.queues.webhooks.conftest import Receiver

BODY = json.dumps({"type": "order.printed", "data": {"order": "A-7", "note": "Grüße"}}).encode()


def local(receiver: Receiver, path: str) -> Target:
    return check_url(f"http://127.0.0.1:{receiver.port}{path}", allow_private=True)


def signed(secret: str) -> dict[str, str]:
    return sign([secret], "msg_A7_printed", int(time.time()), BODY)


def test_2xx_is_ok_and_receiver_gets_exact_bytes_that_verify(receiver: Receiver) -> None:
    secret = new_secret()
    result = deliver(local(receiver, "/hooks?shop=1"), signed(secret), BODY, timeout=3.0)
    assert (result.ok, result.status_code, result.error) == (True, 200, None)
    assert result.response_excerpt == "thanks"
    assert 0 <= result.duration_ms < 3000
    [got] = receiver.received
    assert got.path == "/hooks?shop=1"
    assert got.body == BODY
    assert got.headers["host"] == f"127.0.0.1:{receiver.port}"
    assert got.headers["content-type"] == "application/json"
    assert got.headers["user-agent"].startswith("Printline-Webhooks/")
    assert Webhook(secret).verify(got.body, got.headers) == json.loads(BODY)


def test_connects_to_the_vetted_address_and_sends_the_url_host(receiver: Receiver) -> None:
    # The name does not exist in DNS: the delivery can only have used the pinned address.
    target = check_url(f"http://hooks.shop.test:{receiver.port}/in", allow_private=True,
                       resolve=lambda host, port: ["127.0.0.1"])
    result = deliver(target, {**signed(new_secret()), "Host": "evil.example"}, BODY, timeout=3.0)
    assert result.ok
    assert receiver.received[0].headers["host"] == f"hooks.shop.test:{receiver.port}"


def test_next_address_is_tried_when_the_first_refuses(receiver: Receiver) -> None:
    # 127.0.0.2 is loopback too, but the receiver listens on 127.0.0.1 only: refused, then next
    only_first = Target("http", "hooks.shop.test", receiver.port, "/", ("127.0.0.2",))
    assert deliver(only_first, signed(new_secret()), BODY, timeout=3.0).error == "connection-refused"
    both = Target("http", "hooks.shop.test", receiver.port, "/", ("127.0.0.2", "127.0.0.1"))
    assert deliver(both, signed(new_secret()), BODY, timeout=3.0).ok
    assert receiver.paths() == ["/"]


def test_500_is_not_ok_and_records_the_status(receiver: Receiver) -> None:
    result = deliver(local(receiver, "/fail"), signed(new_secret()), BODY, timeout=3.0)
    assert (result.ok, result.status_code, result.error) == (False, 500, "http-status")
    assert result.response_excerpt == '{"error": "database down"}'
    assert len(receiver.received) == 1  # no retry inside deliver


def test_slow_receiver_times_out_within_the_budget(receiver: Receiver) -> None:
    started = time.monotonic()
    result = deliver(local(receiver, "/slow"), signed(new_secret()), BODY, timeout=0.5)
    elapsed = time.monotonic() - started
    assert (result.ok, result.status_code, result.error) == (False, None, "timeout")
    assert 0.4 <= elapsed < 1.5
    assert 400 <= result.duration_ms < 1500


def test_redirect_is_not_followed(receiver: Receiver) -> None:
    result = deliver(local(receiver, "/redirect"), signed(new_secret()), BODY, timeout=3.0)
    assert (result.ok, result.status_code, result.error) == (False, 302, "redirect-not-followed")
    time.sleep(0.2)
    assert receiver.paths() == ["/redirect"]  # /target received nothing


def test_connection_refused_on_a_closed_port(closed_port: int) -> None:
    target = check_url(f"http://127.0.0.1:{closed_port}/", allow_private=True)
    result = deliver(target, signed(new_secret()), BODY, timeout=2.0)
    assert (result.ok, result.status_code, result.error) == (False, None, "connection-refused")
    assert result.response_excerpt == ""


def test_excerpt_is_cut_and_decoded_leniently(receiver: Receiver) -> None:
    result = deliver(local(receiver, "/big"), signed(new_secret()), BODY, timeout=3.0)
    assert result.ok
    assert result.response_excerpt == "é" * EXCERPT_CHARS


def test_https_uses_the_url_host_for_sni_and_certificate(tls_receiver: Receiver, tls_cert: Path) -> None:
    target = Target("https", "hooks.shop.test", tls_receiver.port, "/tls", ("127.0.0.1",))
    secret = new_secret()
    result = deliver(target, signed(secret), BODY, timeout=3.0, ca_certs=str(tls_cert))
    assert result.ok, result
    assert tls_receiver.sni == ["hooks.shop.test"]
    got = tls_receiver.received[0]
    assert got.headers["host"] == f"hooks.shop.test:{tls_receiver.port}"
    Webhook(secret).verify(got.body, got.headers)


def test_https_certificate_for_another_name_fails_as_tls(tls_receiver: Receiver, tls_cert: Path) -> None:
    target = Target("https", "other.shop.test", tls_receiver.port, "/", ("127.0.0.1",))
    result = deliver(target, signed(new_secret()), BODY, timeout=3.0, ca_certs=str(tls_cert))
    assert (result.ok, result.error) == (False, "tls")
    assert tls_receiver.received == []


def test_https_untrusted_certificate_fails_as_tls(tls_receiver: Receiver) -> None:
    target = Target("https", "hooks.shop.test", tls_receiver.port, "/", ("127.0.0.1",))
    result = deliver(target, signed(new_secret()), BODY, timeout=3.0)
    assert (result.ok, result.error) == (False, "tls")
    assert tls_receiver.received == []


def test_plain_http_to_a_tls_port_fails_without_raising(tls_receiver: Receiver) -> None:
    target = Target("http", "hooks.shop.test", tls_receiver.port, "/", ("127.0.0.1",))
    result = deliver(target, signed(new_secret()), BODY, timeout=2.0)
    assert (result.ok, result.status_code) == (False, None)
    assert result.error in {"connection-reset", "connection-closed"}  # which one is a race


def test_no_addresses_is_a_failed_attempt() -> None:
    result = deliver(Target("http", "x.test", 80, "/", ()), {}, BODY)
    assert (result.ok, result.error) == (False, "no-address")


@pytest.fixture(autouse=True)
def bounded() -> Iterator[None]:
    """Every delivery test must finish within 5 s (no pytest-timeout plugin in this project)."""
    started = time.monotonic()
    yield
    assert time.monotonic() - started < 5.0


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
