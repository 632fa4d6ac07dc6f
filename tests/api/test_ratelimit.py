"""Rate limits: in-process windows and the Redis one that every API replica shares."""

from __future__ import annotations

import uuid

from api.ratelimit import MemoryRateLimiter, RedisRateLimiter


def test_memory_window_counts_per_key_and_resets():
    clock = {"t": 120.0}
    limiter = MemoryRateLimiter(2, now=lambda: clock["t"])
    assert [limiter.allow("a")[0] for _ in range(3)] == [True, True, False]
    assert limiter.allow("b")[0] is True
    clock["t"] = 180.0
    assert limiter.allow("a") == (True, 60)


def test_redis_window_is_shared_between_limiters(redis_url):
    from printline.services import redis_client

    client = redis_client(redis_url)
    key = f"test-{uuid.uuid4().hex}"
    one, two = RedisRateLimiter(client, 3, now=lambda: 6000.0), RedisRateLimiter(client, 3, now=lambda: 6000.0)
    assert [one.allow(key)[0], two.allow(key)[0], one.allow(key)[0], two.allow(key)[0]] == [True, True, True, False]
    assert 0 < client.ttl(f"printline:rate:{key}:100") <= 61
