"""Degrade, don't fail (printline.degrade), and what the anonymous operator endpoints tell (api/health.py)."""

from __future__ import annotations

import logging

import pytest
from structlog.testing import capture_logs

from api.app import create_app
from api.ratelimit import RedisRateLimiter
from printline.degrade import Breaker, FallbackRateLimiter, SafeProgress
from tests.conftest import order_body


class DownRedis:
    """A Redis client whose every call fails as a refused connection does."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            import redis

            raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

        return fail


def test_rate_limits_fall_back_to_this_process_and_log_once_a_minute():
    clock = [0.0]
    breaker = Breaker("redis", retry_after=5, log_every=60, now=lambda: clock[0])
    limiter = FallbackRateLimiter(RedisRateLimiter(DownRedis(), 3), 3, breaker)
    with capture_logs() as logs:
        decisions = []
        for _ in range(4):
            decisions.append(limiter.check("key").allowed)
            clock[0] += 10  # past retry_after: Redis is asked again each time, and fails again
    assert decisions == [True, True, True, False]  # the in-process count still limits
    assert [entry["event"] for entry in logs] == ["degraded"]  # 4 failures within a minute, one line
    clock[0] += 60
    with capture_logs() as logs:
        limiter.check("key")
    assert [entry["event"] for entry in logs] == ["degraded"]


def test_progress_is_skipped_while_redis_is_away():
    progress = SafeProgress(__import__("queues.progress", fromlist=["RedisProgress"]).RedisProgress(DownRedis()))
    progress.report("job_1", "rendering", 10)  # does not raise
    assert progress.read("job_1") is None and progress.percent("job_1") is None


def test_readyz_is_200_and_says_redis_is_degraded(services, client):
    services.redis_client = DownRedis()
    body = client.get("/readyz")
    assert body.status_code == 200
    assert body.get_json()["checks"]["redis"].startswith("degraded: ConnectionError")


def test_intake_goes_on_without_redis(services, keys, photo):
    services.rate_limiter = FallbackRateLimiter(RedisRateLimiter(DownRedis(), 600), 600)
    services.progress = SafeProgress(services.progress.inner if hasattr(services.progress, "inner")
                                     else services.progress)
    client = create_app(services).test_client()
    upload = client.post("/v1/uploads", data=photo.read_bytes(),
                         headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg"})
    assert upload.status_code == 201
    order = client.post("/v1/orders", json=order_body(upload.get_json()["id"]), headers=keys["myposter", "shop"])
    assert order.status_code == 201


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


logging.getLogger("printline").setLevel(logging.INFO)
