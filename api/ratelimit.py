"""Requests per API key and minute: fixed one-minute windows, in Redis when there is one."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import NamedTuple, Protocol


class Decision(NamedTuple):
    """One request's verdict: allowed?, the window's limit, what is left of it, seconds to its reset."""

    allowed: bool
    limit: int
    remaining: int
    reset: int

    def headers(self) -> dict[str, str]:
        """The `RateLimit-*` fields (IETF httpapi-ratelimit-headers), empty when nothing is limited."""
        if self.limit <= 0:
            return {}
        return {"RateLimit-Limit": str(self.limit), "RateLimit-Remaining": str(self.remaining),
                "RateLimit-Reset": str(self.reset)}


class RateLimiter(Protocol):
    def allow(self, key_id: str) -> tuple[bool, int]:
        """Whether one more request is allowed now, and the seconds until the window resets."""
        ...

    def check(self, key_id: str) -> Decision:
        """Count one request and say what is left."""
        ...


def _decision(per_minute: int, count: int, now: float) -> Decision:
    return Decision(count <= per_minute, per_minute, max(0, per_minute - count), 60 - int(now % 60))


class MemoryRateLimiter:
    """One process's count (embedded defaults: a single API process)."""

    def __init__(self, per_minute: int, now: Callable[[], float] = time.time) -> None:
        self.per_minute, self.now = per_minute, now
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def allow(self, key_id: str) -> tuple[bool, int]:
        decision = self.check(key_id)
        return decision.allowed, decision.reset

    def check(self, key_id: str) -> Decision:
        if self.per_minute <= 0:
            return Decision(True, 0, 0, 0)
        now = self.now()
        window = int(now // 60)
        with self._lock:
            self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
            count = self._counts.get((key_id, window), 0) + 1
            self._counts[(key_id, window)] = count
        return _decision(self.per_minute, count, now)


class RedisRateLimiter:
    """Shared by every API replica: INCR on a key per window, expiring with it."""

    def __init__(self, client, per_minute: int, now: Callable[[], float] = time.time) -> None:  # redis.Redis
        self.client, self.per_minute, self.now = client, per_minute, now

    def allow(self, key_id: str) -> tuple[bool, int]:
        decision = self.check(key_id)
        return decision.allowed, decision.reset

    def check(self, key_id: str) -> Decision:
        if self.per_minute <= 0:
            return Decision(True, 0, 0, 0)
        now = self.now()
        name = f"printline:rate:{key_id}:{int(now // 60)}"
        pipe = self.client.pipeline()
        pipe.incr(name)
        pipe.expire(name, 61)
        count, _ = pipe.execute()
        return _decision(self.per_minute, int(count), now)
