"""Degrade, don't fail: Redis is a courtesy (progress, shared rate limits), never a dependency.

When Redis does not answer, intake, renders and downloads go on: rate limits fall back to this
process's own count (`MemoryRateLimiter`, so a key gets at most its limit per API process), progress is
skipped (the job's state still moves through the database), and `/readyz` answers 200 with
`"redis": "degraded: ..."`. Each fallback logs once a minute, not once per call: at 100 requests/s an
outage would otherwise write 6,000 warnings a minute. The Redis client's 2 s timeouts bound how long a
call can hang; after a failure Redis is not asked again for `retry_after` seconds (5 s), so a dead
Redis costs one 2 s wait per 5 s, not one per request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import structlog

from api.ratelimit import Decision, MemoryRateLimiter, RateLimiter

log = structlog.get_logger("printline.degrade")


class Breaker:
    """Remembers that a part failed: skip it for `retry_after` s, log once per `log_every` s."""

    def __init__(self, part: str, *, retry_after: float = 5.0, log_every: float = 60.0,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.part, self.retry_after, self.log_every, self.now = part, retry_after, log_every, now
        self.down_since: float | None = None
        self.last_error = ""
        self._skip_until = 0.0
        self._logged_at: float | None = None
        self._lock = threading.Lock()

    def available(self) -> bool:
        return self.now() >= self._skip_until

    def failed(self, exc: BaseException, fallback: str) -> None:
        with self._lock:
            now = self.now()
            self.down_since = self.down_since or now
            self.last_error = f"{type(exc).__name__}: {exc}"[:200]
            self._skip_until = now + self.retry_after
            if self._logged_at is None or now - self._logged_at >= self.log_every:
                self._logged_at = now
                log.warning("degraded", part=self.part, fallback=fallback, error=self.last_error)

    def ok(self) -> None:
        if self.down_since is not None:
            with self._lock:
                log.info("recovered", part=self.part, after_s=round(self.now() - self.down_since, 1))
                self.down_since, self._logged_at = None, None

    @property
    def degraded(self) -> bool:
        return self.down_since is not None


class FallbackRateLimiter:
    """The shared Redis limiter while Redis answers, this process's own count while it does not."""

    def __init__(self, primary: RateLimiter, per_minute: int, breaker: Breaker | None = None) -> None:
        self.primary, self.local = primary, MemoryRateLimiter(per_minute)
        self.breaker = breaker or Breaker("redis")

    def allow(self, key_id: str) -> tuple[bool, int]:
        decision = self.check(key_id)
        return decision.allowed, decision.reset

    def check(self, key_id: str) -> Decision:
        if self.breaker.available():
            try:
                decision = self.primary.check(key_id)
            except Exception as exc:  # noqa: BLE001 - any Redis fault: count here instead
                self.breaker.failed(exc, "in-process rate limits")
            else:
                self.breaker.ok()
                return decision
        return self.local.check(key_id)


class SafeProgress:
    """Progress that never fails its caller: reports are skipped while the store is away; reads say
    "no progress known" (None), as for a job not rendering."""

    def __init__(self, inner, breaker: Breaker | None = None) -> None:
        self.inner, self.breaker = inner, breaker or Breaker("progress")

    def _call(self, name: str, *args, **kwargs):
        if not self.breaker.available():
            return None
        try:
            value = getattr(self.inner, name)(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - progress is a courtesy
            self.breaker.failed(exc, "progress skipped")
            return None
        self.breaker.ok()
        return value

    def report(self, job_id: str, stage: str, percent: int | None = None) -> None:
        self._call("report", job_id, stage, percent)

    def read(self, job_id: str) -> str | None:
        return self._call("read", job_id)

    def percent(self, job_id: str) -> int | None:
        return self._call("percent", job_id)
