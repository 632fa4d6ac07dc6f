"""POST /v1/uploads with {"url": ...}: fetched in the background on a loopback HTTP server (allowed here by
PRINTLINE_UPLOADS_ALLOW_PRIVATE), every redirect re-checked, size and time limits, the same probe and
the same content-addressed storage as a direct upload; an order may name it only once `ready`."""

from __future__ import annotations

import time

import pytest

from tests.api.helpers import LoopbackSite
from tests.conftest import order_body


@pytest.fixture
def site():
    server = LoopbackSite()
    yield server
    server.close()


@pytest.fixture
def allowed(services):
    services.settings = services.settings.model_copy(update={"uploads_allow_private": True,
                                                             "url_fetch_timeout_seconds": 1.5})
    return services


def _wait(client, headers, upload_id: str) -> dict:
    deadline = time.time() + 15
    while time.time() < deadline:
        body = client.get(f"/v1/uploads/{upload_id}", headers=headers).get_json()
        if body["state"] != "fetching":
            return body
        time.sleep(0.05)
    raise AssertionError("still fetching")


def _post(client, headers, url: str):
    return client.post("/v1/uploads", json={"url": url}, headers=headers)


def test_fetched_probed_stored_like_a_direct_upload_then_orderable(client, keys, allowed, site, photo):
    shop = keys["myposter", "shop"]
    data = photo.read_bytes()
    site.routes["/a/IMG_1.jpg"] = (200, {"Content-Type": "image/jpeg"}, data, 0.0)
    site.routes["/start"] = (302, {"Location": "/hop"}, b"", 0.0)
    site.routes["/hop"] = (301, {"Location": f"{site.base}/a/IMG_1.jpg"}, b"", 0.0)
    answer = _post(client, shop, f"{site.base}/start")
    assert answer.status_code == 202, answer.get_json()
    first = answer.get_json()
    assert first["state"] == "fetching" and first["sha256"] is None
    done = _wait(client, shop, first["id"])
    assert done["state"] == "ready", done
    direct = client.post("/v1/uploads", data=data, headers={**shop, "Content-Type": "image/jpeg"}).get_json()
    assert direct["id"] != done["id"] and direct["sha256"] == done["sha256"]  # one object in storage
    assert (done["width"], done["height"], done["format"], done["size"]) == (600, 800, "jpeg", len(data))
    assert allowed.storage.open(f"myposter/uploads/{done['sha256']}").read() == data
    order = client.post("/v1/orders", json=order_body(done["id"]), headers=shop)
    assert order.status_code == 201, order.get_json()
    assert client.get(f"/v1/uploads/{done['id']}", headers=keys["kartenliebe", "shop"]).status_code == 404


def test_an_order_waits_for_the_fetch(client, keys, allowed, site, photo):
    shop = keys["myposter", "shop"]
    site.routes["/slow.jpg"] = (200, {}, photo.read_bytes(), 0.6)
    upload = _post(client, shop, f"{site.base}/slow.jpg").get_json()
    early = client.post("/v1/orders", json=order_body(upload["id"]), headers=shop)
    assert early.status_code == 422
    [error] = early.get_json()["errors"]
    assert error["field"] == "items[0].image.upload_id" and "still being fetched" in error["message"]
    assert _wait(client, shop, upload["id"])["state"] == "ready"


@pytest.mark.parametrize(("route", "code"), [
    ((200, {}, b"this is no photo at all", 0.0), "not-an-image"),
    ((200, {}, b"\xff\xd8\xff" + b"\0" * 5000, 0.0), "not-an-image"),
    ((500, {}, b"oops", 0.0), "fetch-http-status"),
    ((200, {}, b"late", 3.0), "fetch-timeout"),
], ids=["text", "broken-jpeg", "server-error", "timeout"])
def test_failures_carry_a_reason(client, keys, allowed, site, route, code):
    shop = keys["myposter", "shop"]
    site.routes["/x"] = route
    upload = _post(client, shop, f"{site.base}/x").get_json()
    failed = _wait(client, shop, upload["id"])
    assert failed["state"] == "failed" and failed["failure"] and failed["sha256"] is None
    assert failed["failure_code"] in ({code, "truncated"} if code == "not-an-image" else {code})
    order = client.post("/v1/orders", json=order_body(upload["id"]), headers=shop)
    assert order.status_code == 422 and "could not be fetched" in order.get_json()["errors"][0]["message"]


def test_oversize_is_cut_off(client, keys, allowed, site, photo):
    allowed.settings = allowed.settings.model_copy(update={"max_upload_bytes": 1000})
    shop = keys["myposter", "shop"]
    site.routes["/big.jpg"] = (200, {}, photo.read_bytes(), 0.0)  # Content-Length says it at once
    site.routes["/chunked.jpg"] = (200, {"Content-Length": ""}, photo.read_bytes(), 0.0)
    for path in ("/big.jpg", "/chunked.jpg"):
        upload = _post(client, shop, site.base + path).get_json()
        assert _wait(client, shop, upload["id"])["failure_code"] == "upload-too-large"
    assert not list((allowed.settings.var_dir / "tmp").glob("fetch-*"))


def test_more_than_three_redirects(client, keys, allowed, site):
    shop = keys["myposter", "shop"]
    for n in range(5):
        site.routes[f"/r{n}"] = (302, {"Location": f"/r{n + 1}"}, b"", 0.0)
    upload = _post(client, shop, f"{site.base}/r0").get_json()
    assert _wait(client, shop, upload["id"])["failure_code"] == "too-many-redirects"
    assert site.hits == ["/r0", "/r1", "/r2", "/r3"]


@pytest.mark.parametrize(("url", "code"), [
    ("http://127.0.0.1:9/x.jpg", "url-private-address"), ("https://10.1.2.3/x.jpg", "url-private-address"),
    ("http://93.184.215.14/x.jpg", "url-scheme"), ("ftp://example.org/x.jpg", "url-scheme"),
    ("https://user:pw@example.org/x.jpg", "url-host"),
])
def test_refused_at_once_when_private_is_not_allowed(client, keys, url, code, services):
    response = _post(client, keys["myposter", "shop"], url)
    assert response.status_code == 422 and response.get_json()["code"] == code
    assert response.get_json()["errors"][0]["field"] == "url"


def test_only_a_url_in_the_json(client, keys):
    shop = keys["myposter", "shop"]
    for body in ({}, {"url": 5}, {"url": "https://example.org/a.jpg", "extra": 1}, []):
        response = client.post("/v1/uploads", json=body, headers=shop)
        assert response.status_code == 422 and response.get_json()["code"] == "invalid-request"
