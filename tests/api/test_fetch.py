"""`api.fetch`: fetching a customer's image by URL — every hop vetted (a redirect to a private address is
refused before any connection), https only unless private addresses are allowed, the body streamed to a
file and hashed, size and time limits with nothing left behind, and the bounded fetch pool."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import pytest

from api.fetch import MAX_REDIRECTS, FetchFailed, Fetched, Fetcher, fetch_url, vetter
from queues.webhooks.addresses import UrlRefused, check_url
from tests.api.helpers import LoopbackSite
from tests.conftest import free_port

LOOPBACK = vetter(True)  # tests and demos: private addresses and plain http allowed


@pytest.fixture
def site():
    server = LoopbackSite()
    yield server
    server.close()


def test_a_redirect_to_a_private_address_is_refused(site, tmp_path, photo):
    """The first hop is let through (as if public); the redirect to 127.0.0.1 is vetted by the strict rule
    and refused before any connection to it."""
    other = LoopbackSite()
    try:
        other.routes["/secret.jpg"] = (200, {}, photo.read_bytes(), 0.0)
        first = f"{site.base}/go"
        site.routes["/go"] = (302, {"Location": f"{other.base}/secret.jpg"}, b"", 0.0)
        strict = vetter(False)

        def vet(url: str):
            return check_url(url, allow_private=True) if url == first else strict(url)

        with pytest.raises(FetchFailed) as refused:
            fetch_url(first, tmp_path, vet=vet, max_bytes=10**7, timeout=5)
        assert refused.value.code == "url-private-address"
        assert site.hits == ["/go"] and other.hits == []
    finally:
        other.close()


@pytest.mark.parametrize(("url", "code"), [
    ("http://93.184.215.14/x.jpg", "url-scheme"), ("https://127.0.0.1/x.jpg", "url-private-address"),
    ("https://10.1.2.3/x.jpg", "url-private-address"),
])
def test_the_strict_vetter_wants_public_https(url, code):
    with pytest.raises(UrlRefused) as refused:
        vetter(False)(url)
    assert refused.value.code == code
    assert LOOPBACK("http://127.0.0.1:9/x.jpg").addresses == ("127.0.0.1",)


def test_the_image_is_streamed_to_a_file_with_its_hash_after_redirects(site, tmp_path, photo):
    data = photo.read_bytes()
    site.routes["/start"] = (302, {"Location": "/photos/IMG%201.jpg"}, b"", 0.0)
    site.routes["/photos/IMG%201.jpg"] = (200, {"Content-Type": "image/jpeg"}, data, 0.0)
    got = fetch_url(f"{site.base}/start", tmp_path, vet=LOOPBACK, max_bytes=len(data), timeout=5)
    assert got.path.parent == tmp_path and got.path.read_bytes() == data
    assert (got.sha256, got.size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert got.url == f"{site.base}/photos/IMG%201.jpg" and got.filename == "IMG 1.jpg"
    assert site.hits == ["/start", "/photos/IMG%201.jpg"]


def test_a_url_without_a_file_name_has_none():
    assert Fetched(Path("x"), "0" * 64, 1, "https://example.org/").filename is None
    assert Fetched(Path("x"), "0" * 64, 1, "https://example.org/a/b.png?size=2").filename == "b.png"


@pytest.mark.parametrize(("route", "limit", "code"), [
    ((404, {}, b"no", 0.0), 10**6, "fetch-http-status"),
    ((200, {}, b"x" * 5000, 0.0), 1000, "upload-too-large"),  # said at once by Content-Length
    ((200, {"Content-Length": ""}, b"x" * 5000, 0.0), 1000, "upload-too-large"),  # counted as it comes
    ((200, {}, b"late", 2.0), 10**6, "fetch-timeout"),
], ids=["status", "declared-too-large", "counted-too-large", "timeout"])
def test_failures_have_a_code_and_leave_nothing_behind(site, tmp_path, route, limit, code):
    site.routes["/x"] = route
    with pytest.raises(FetchFailed) as failed:
        fetch_url(f"{site.base}/x", tmp_path, vet=LOOPBACK, max_bytes=limit, timeout=0.8)
    assert failed.value.code == code and failed.value.message
    assert list(tmp_path.iterdir()) == []


def test_redirects_are_followed_at_most_three_times(site, tmp_path):
    for n in range(MAX_REDIRECTS + 2):
        site.routes[f"/r{n}"] = (302, {"Location": f"/r{n + 1}"}, b"", 0.0)
    with pytest.raises(FetchFailed) as failed:
        fetch_url(f"{site.base}/r0", tmp_path, vet=LOOPBACK, max_bytes=10**6, timeout=5)
    assert failed.value.code == "too-many-redirects"
    assert site.hits == [f"/r{n}" for n in range(MAX_REDIRECTS + 1)]


def test_a_server_that_is_not_there_is_unreachable(tmp_path):
    with pytest.raises(FetchFailed) as failed:
        fetch_url(f"http://127.0.0.1:{free_port()}/x.jpg", tmp_path, vet=LOOPBACK, max_bytes=10**6, timeout=5)
    assert failed.value.code == "fetch-unreachable"


def test_the_pool_takes_threads_plus_queue_and_refuses_more():
    fetcher = Fetcher(threads=1, queue=1)
    release, done = threading.Event(), []
    try:
        assert fetcher.submit(lambda: (release.wait(5), done.append(1)))
        assert fetcher.submit(lambda: done.append(2))  # waits for the thread
        assert not fetcher.submit(lambda: done.append(3))  # nothing started
    finally:
        release.set()
        fetcher.shutdown()
    assert done == [1, 2]


def test_a_slot_comes_back_when_its_fetch_is_done():
    fetcher = Fetcher(threads=1, queue=0)
    release = threading.Event()
    try:
        assert fetcher.submit(lambda: release.wait(5))
        assert not fetcher.submit(lambda: None)
        release.set()
        deadline = time.monotonic() + 5
        while not fetcher.submit(lambda: None):
            assert time.monotonic() < deadline, "the slot never came back"
            time.sleep(0.01)
    finally:
        release.set()
        fetcher.shutdown()
