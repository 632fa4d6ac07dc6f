"""`printline.services`: the parts one process needs, built from settings — the SQL engine, storage
backend, catalogue, the lifecycle whose commits the relay publishes at once, quotes at the clock's now,
the image limits, and Redis (behind one breaker) or files and in-process counts without it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from api.ratelimit import MemoryRateLimiter
from printline.clock import FixedClock
from printline.degrade import FallbackRateLimiter, SafeProgress
from printline.services import build_services, configure_image_limits, make_quoter, relay_options
from printline.settings import Settings
from queues.progress import FileProgress, RedisProgress
from render import limits
from tests.conftest import RecordingQueue, order_body
from vocab.spec import OrderSpec


@pytest.fixture
def embedded(tmp_path):
    from records.migrate import upgrade

    settings = Settings(var_dir=tmp_path / "var", rate_limit_per_minute=7)
    settings.var_dir.mkdir(parents=True)
    upgrade(settings.effective_database_url)
    return settings


@pytest.fixture
def restore_limits():
    before = limits.current()
    yield
    limits.configure(before)


def test_without_redis_progress_goes_to_files_and_limits_stay_in_process(embedded, restore_limits):
    svc = build_services(embedded, queue=RecordingQueue())
    try:
        assert isinstance(svc.progress, SafeProgress) and isinstance(svc.progress.inner, FileProgress)
        assert isinstance(svc.rate_limiter, MemoryRateLimiter)
        assert svc.redis_client is None and svc.redis_breaker is None
        assert [svc.rate_limiter.allow("k")[0] for _ in range(8)] == [True] * 7 + [False]
        svc.progress.report("job_1", "scale", 30)
        assert (svc.progress.read("job_1"), svc.progress.percent("job_1")) == ("scale", 30)
        assert str(svc.engine.url) == embedded.effective_database_url
        assert "poster-50x70" in svc.catalogue.products
        assert svc.lifecycle.after_commit == svc.relay.publish_now  # render messages go out right after commit
    finally:
        svc.engine.dispose()


def test_with_redis_both_courtesy_parts_share_one_breaker(embedded, restore_limits):
    settings = embedded.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})  # nothing listens there
    svc = build_services(settings, queue=RecordingQueue())
    try:
        assert isinstance(svc.rate_limiter, FallbackRateLimiter) and isinstance(svc.progress.inner, RedisProgress)
        assert svc.rate_limiter.breaker is svc.progress.breaker is svc.redis_breaker
        assert svc.rate_limiter.check("k").allowed  # Redis away: counted here, no error
        assert svc.redis_breaker.degraded and not svc.progress.breaker.available()
        assert svc.progress.read("job_1") is None  # skipped while the breaker waits
    finally:
        svc.engine.dispose()


def test_the_image_limits_come_from_the_settings(tmp_path, restore_limits):
    configure_image_limits(Settings(var_dir=tmp_path, max_pixels=1234, max_decode_bytes=5678, max_pages=3))
    assert limits.current() == limits.Limits(max_pixels=1234, max_decode_bytes=5678, max_pages=3)


def test_quotes_are_priced_at_the_clocks_now(tmp_path):
    from profiles.catalogue import load_catalogue

    at = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    quote = make_quoter(Settings(var_dir=tmp_path), load_catalogue(), FixedClock(at))
    priced = quote(OrderSpec.model_validate(order_body("upl_1")), "myposter")
    assert priced.priced_at == at and priced.currency == "EUR" and priced.market == "DE"
    assert priced.payable > Decimal("0")


def test_the_relay_waits_for_a_stale_claim_at_least_three_heartbeats(tmp_path):
    settings = Settings(var_dir=tmp_path, heartbeat_seconds=100, stale_claim_seconds=150, webhook_retry_hours=2,
                        webhook_lease_seconds=45, webhooks_allow_private=True)
    options = relay_options(settings)
    assert options.stale_after == timedelta(seconds=300) and options.max_age == timedelta(hours=2)
    assert options.lease == timedelta(seconds=45) and options.allow_private is True
    assert relay_options(settings.model_copy(update={"stale_claim_seconds": 900})).stale_after == timedelta(
        seconds=900)
