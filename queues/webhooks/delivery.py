"""One webhook HTTP POST to a vetted Target, reported as data and never as an exception.

The connection goes to an address from ``Target.addresses`` (checked by ``check_url``), never
to a fresh DNS answer, so DNS rebinding cannot redirect us to a private address; the URL's
host is still sent as ``Host`` and used for TLS SNI and certificate checks, so virtual hosts
and certificates work as if we had connected by name. Redirects are not followed, because a
redirect could point anywhere, including at addresses the guard would refuse.
urllib3 is used directly: it reads no proxy settings from the environment and lets us choose
the address to connect to.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from queues.webhooks.addresses import Target

EXCERPT_CHARS = 500
_READ_BYTES = 4 * EXCERPT_CHARS  # enough bytes for 500 characters of UTF-8


@dataclass(frozen=True)
class DeliveryResult:
    """What one attempt did: ``ok`` means a 2xx; ``error`` is a short code, None only when ok."""

    status_code: int | None
    ok: bool
    error: str | None
    duration_ms: int
    response_excerpt: str


def _error_code(exc: BaseException) -> str:
    """A short, stable code for a network failure (the full text may hold server details)."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, SSLError):
        return "tls"
    if isinstance(exc, NewConnectionError):  # subclass of ConnectTimeoutError: test it first
        if isinstance(cause, ConnectionRefusedError):
            return "connection-refused"
        return "timeout" if isinstance(cause, (socket.timeout, TimeoutError)) else "connection-failed"
    if isinstance(exc, (ConnectTimeoutError, ReadTimeoutError, TimeoutError)):
        return "timeout"
    if isinstance(exc, ProtocolError):
        inner = exc.args[1] if len(exc.args) > 1 else cause
        if isinstance(inner, ConnectionResetError):
            return "connection-reset"
        return "timeout" if isinstance(inner, (socket.timeout, TimeoutError)) else "connection-closed"
    if isinstance(exc, ConnectionRefusedError):
        return "connection-refused"
    return "connection-failed"


def _connect_error(exc: BaseException) -> bool:
    """True when nothing was sent yet, so trying the next address cannot deliver twice."""
    return isinstance(exc, ConnectTimeoutError) and not isinstance(exc, SSLError)


def _pool(target: Target, address: str, timeout: float,
          ca_certs: str | None) -> urllib3.HTTPConnectionPool:
    common = {"port": target.port, "maxsize": 1, "retries": False,
              "timeout": urllib3.Timeout(total=timeout)}
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address, cert_reqs="CERT_REQUIRED", ca_certs=ca_certs,
            server_hostname=target.host, assert_hostname=target.host, **common)
    return urllib3.HTTPConnectionPool(address, **common)


def _excerpt(response: urllib3.BaseHTTPResponse) -> str:
    try:
        data = response.read(_READ_BYTES, decode_content=True)
    except (HTTPError, OSError):
        data = b""  # the status already arrived; a body that fails to arrive does not change it
    return data.decode("utf-8", errors="replace")[:EXCERPT_CHARS]


def _result(status: int | None, error: str | None, started: float, excerpt: str = "") -> DeliveryResult:
    duration = int((time.monotonic() - started) * 1000)
    return DeliveryResult(status, error is None, error, duration, excerpt)


def deliver(target: Target, headers: dict[str, str], body: bytes, *, timeout: float = 10.0,
            ca_certs: str | None = None) -> DeliveryResult:
    """POST ``body`` to ``target`` with ``headers``; the whole attempt takes at most ``timeout`` s.

    A 2xx is success; a 3xx fails with ``redirect-not-followed``; any other status fails with
    ``http-status``; network trouble fails with a code such as ``timeout``,
    ``connection-refused`` or ``tls``. If an address refuses the connection, the next vetted
    address is tried within the same time budget. ``ca_certs`` is for private CAs (tests).
    """
    started = time.monotonic()
    deadline = started + timeout
    send = {k: v for k, v in headers.items() if k.lower() != "host"}
    send["Host"] = target.host_header
    error = "no-address"
    for address in target.addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            error = "timeout"
            break
        pool = _pool(target, address, remaining, ca_certs)
        try:
            response = pool.urlopen("POST", target.path, body=body, headers=send, redirect=False,
                                    retries=False, preload_content=False, assert_same_host=False)
        except (HTTPError, OSError) as exc:
            pool.close()
            error = _error_code(exc)
            if _connect_error(exc):
                continue
            return _result(None, error, started)
        try:
            excerpt = _excerpt(response)
        finally:
            response.close()  # unread data makes the connection unusable: drop it
            pool.close()
        status = response.status
        if 200 <= status < 300:
            return _result(status, None, started, excerpt)
        code = "redirect-not-followed" if 300 <= status < 400 else "http-status"
        return _result(status, code, started, excerpt)
    return _result(None, error, started)
