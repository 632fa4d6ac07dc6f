"""`api.health`: liveness, readiness that names the part that is down (and Redis only as degraded), that
never writes, and `/metrics` with the per-brand job counts only for the metrics token."""

from __future__ import annotations

import pytest

from api.app import create_app
from tests.conftest import order_body
from tests.fakes import DownRedis


def test_health_and_readiness(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "checks": {}}
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "ok" and set(ready["checks"]) == {"database", "broker", "storage"}


def test_readiness_names_the_part_that_is_down(client, services):
    class DownQueue:
        def send(self, job_id: str) -> None: ...

        def check(self) -> None:
            raise ConnectionError("broker unreachable")

    services.queue = DownQueue()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["broker"].startswith("error: ConnectionError")


def test_not_ready_is_a_problem_listing_every_failed_part(client, services, monkeypatch):
    def refuse():
        raise OSError("disk gone")

    class DownQueue:
        def check(self) -> None:
            raise ConnectionError("broker unreachable")

    services.queue = DownQueue()
    monkeypatch.setattr(services.storage, "check", refuse)
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 503 and response.mimetype == "application/problem+json"
    assert body["code"] == "not-ready" and "broker" in body["detail"] and "storage" in body["detail"]
    assert body["checks"]["database"] == "ok" and body["checks"]["storage"] == "error: OSError: disk gone"


def test_readyz_is_200_and_says_redis_is_degraded(services, client):
    services.redis_client = DownRedis()
    body = client.get("/readyz")
    assert body.status_code == 200
    assert body.get_json()["checks"]["redis"].startswith("degraded: ConnectionError")


def test_readyz_never_writes_to_storage(services, client, monkeypatch):
    def no_writes(*args, **kwargs):
        raise AssertionError("readyz wrote to storage")

    for name in ("put_file", "put_bytes", "delete"):
        monkeypatch.setattr(services.storage, name, no_writes, raising=False)
    before = sorted(p.name for p in services.storage.root.rglob("*")) if hasattr(services.storage, "root") else []
    for _ in range(3):
        assert client.get("/readyz").status_code == 200
    after = sorted(p.name for p in services.storage.root.rglob("*")) if hasattr(services.storage, "root") else []
    assert before == after


@pytest.fixture
def token_services(services):
    services.settings = services.settings.model_copy(update={"metrics_token": "s3cret-scrape"})
    return services


def test_metrics_show_brands_only_with_the_metrics_token(token_services, keys, photo):
    client = create_app(token_services).test_client()
    upload = client.post("/v1/uploads", data=photo.read_bytes(),
                         headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg"}).get_json()
    client.post("/v1/orders", json=order_body(upload["id"]), headers=keys["myposter", "shop"])
    anonymous = client.get("/metrics").data.decode()
    assert "printline_http_requests_total" in anonymous and "myposter" not in anonymous
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"}).data.decode()
    assert "myposter" not in wrong
    shop_key = client.get("/metrics", headers=keys["myposter", "admin"]).data.decode()
    assert "printline_jobs{" not in shop_key  # an API key is not the metrics token
    scraper = client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape"}).data.decode()
    assert 'printline_jobs{brand="myposter",state="queued"} 1.0' in scraper


def test_without_a_metrics_token_nobody_gets_the_job_counts(client, keys, photo):
    upload = client.post("/v1/uploads", data=photo.read_bytes(),
                         headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg"}).get_json()
    client.post("/v1/orders", json=order_body(upload["id"]), headers=keys["myposter", "shop"])
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer None"}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 200 and response.mimetype == "text/plain"
        assert "printline_jobs{" not in response.data.decode()
