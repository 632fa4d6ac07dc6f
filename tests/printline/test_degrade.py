"""`printline.degrade`: Redis is a courtesy — rate limits fall back to this process's count, progress is
skipped, intake goes on; a part that failed is skipped for `retry_after` s and logged once a minute.
(`/readyz` saying Redis is degraded: tests/api/test_health.py.)"""

from __future__ import annotations

import logging

from structlog.testing import capture_logs

from api.app import create_app
from api.ratelimit import Decision, MemoryRateLimiter, RedisRateLimiter
from printline.degrade import Breaker, FallbackRateLimiter, SafeProgress
from queues.progress import RedisProgress
from tests.conftest import order_body
from tests.fakes import DownRedis


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
    progress = SafeProgress(RedisProgress(DownRedis()))
    progress.report("job_1", "rendering", 10)  # does not raise
    assert progress.read("job_1") is None and progress.percent("job_1") is None


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


def test_a_failed_part_is_skipped_for_a_while_then_asked_again_and_recovers():
    clock = [100.0]
    breaker = Breaker("redis", retry_after=5, log_every=60, now=lambda: clock[0])
    assert breaker.available() and not breaker.degraded
    with capture_logs() as logs:
        breaker.failed(ConnectionError("refused"), "in-process rate limits")
    assert not breaker.available() and breaker.degraded and breaker.last_error == "ConnectionError: refused"
    assert logs[0]["part"] == "redis" and logs[0]["fallback"] == "in-process rate limits"
    clock[0] += 5
    assert breaker.available()
    clock[0] += 2.5
    with capture_logs() as logs:
        breaker.ok()
        breaker.ok()  # only the first after an outage says so
    assert [(e["event"], e["after_s"]) for e in logs] == [("recovered", 7.5)]
    assert not breaker.degraded


class FlakyLimiter:
    """A shared limiter that fails while `down` is set, and counts what it was asked."""

    def __init__(self) -> None:
        self.down, self.asked = True, 0

    def check(self, key_id: str) -> Decision:
        self.asked += 1
        if self.down:
            raise ConnectionError("refused")
        return MemoryRateLimiter(100).check(key_id)


def test_while_skipped_the_shared_limiter_is_not_asked_and_is_used_again_after():
    clock = [0.0]
    shared = FlakyLimiter()
    limiter = FallbackRateLimiter(shared, 2, Breaker("redis", retry_after=5, now=lambda: clock[0]))
    with capture_logs():
        assert [limiter.allow("k")[0] for _ in range(3)] == [True, True, False]  # the local count of 2
    assert shared.asked == 1  # after the first failure it waits out retry_after
    shared.down, clock[0] = False, 6.0
    with capture_logs():
        assert limiter.check("k").allowed  # the shared one again, with its own (larger) limit
    assert shared.asked == 2 and not limiter.breaker.degraded


class MemoryProgress:
    def __init__(self) -> None:
        self.reports: dict[str, tuple[str, int | None]] = {}

    def report(self, job_id, stage, percent=None):
        self.reports[job_id] = (stage, percent)

    def read(self, job_id):
        return self.reports.get(job_id, (None, None))[0]

    def percent(self, job_id):
        return self.reports.get(job_id, (None, None))[1]


def test_progress_passes_through_while_the_store_answers():
    progress = SafeProgress(MemoryProgress())
    progress.report("job_1", "scale", 40)
    assert (progress.read("job_1"), progress.percent("job_1")) == ("scale", 40)
    assert progress.read("job_2") is None


logging.getLogger("printline").setLevel(logging.INFO)
