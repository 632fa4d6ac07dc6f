"""When to try a failed webhook again: exponential backoff with jitter, for at most a day.

Shops' endpoints fail briefly (deploys, restarts) far more often than for long, so the first
retry comes within seconds; the delay then doubles up to ``cap`` so a receiver that is down
for hours is not hammered; jitter spreads the retries of many deliveries that failed together
(one receiver outage) so they do not all come back at the same instant. After ``max_age``
since the first attempt the delivery is given up and marked failed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

DEFAULT_MAX_AGE = timedelta(hours=24)


def _utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC)")
    return value.astimezone(timezone.utc)


def backoff_seconds(attempt: int, *, base: float = 5.0, cap: float = 3600.0) -> float:
    """The un-jittered delay after ``attempt`` failed attempts: base, 2*base, 4*base, ... up to cap."""
    if attempt < 1:
        raise ValueError("attempt counts the attempts made so far, starting at 1")
    exponent = min(attempt - 1, 64)  # 2**64 * base is far past any cap; avoids huge floats
    return min(cap, base * 2.0 ** exponent)


def next_attempt_at(attempt: int, first_tried_at: datetime, now: datetime, *, rng: random.Random,
                    max_age: timedelta = DEFAULT_MAX_AGE, base: float = 5.0,
                    cap: float = 3600.0) -> datetime | None:
    """The time of the next attempt after ``attempt`` failed ones, or None to give up.

    ``attempt`` is the number of attempts made so far (1 after the first failure). The delay
    is drawn uniformly from ``[d/2, d]`` with ``d = backoff_seconds(attempt)`` ("equal
    jitter"): never zero, never above ``cap``, and its mean ``3d/4`` never decreases, so the
    first retry is at most ``base`` seconds (5 s) after the first failure. The last retry is
    moved to ``first_tried_at + max_age`` rather than skipped, so a receiver that recovers
    just before the deadline still gets the message. The result is UTC.
    """
    if base <= 0 or cap < base:
        raise ValueError("base must be positive and cap at least base")
    first = _utc(first_tried_at, "first_tried_at")
    current = _utc(now, "now")
    deadline = first + max_age
    if current >= deadline:
        return None
    full = backoff_seconds(attempt, base=base, cap=cap)
    delay = rng.uniform(full / 2, full)
    return min(current + timedelta(seconds=delay), deadline)
