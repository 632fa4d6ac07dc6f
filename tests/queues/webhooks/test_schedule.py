"""The retry schedule over a whole day: quick first retry, growing gaps, nothing after 24 h."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from queues.webhooks.schedule import backoff_seconds, next_attempt_at

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
DAY = timedelta(hours=24)


def run_schedule(seed: int) -> list[datetime]:
    """The attempt times of a delivery that fails every time, first attempt at T0."""
    rng = random.Random(seed)
    times = [T0]
    while (nxt := next_attempt_at(len(times), T0, times[-1], rng=rng)) is not None:
        assert nxt > times[-1]
        times.append(nxt)
        assert len(times) < 200, "schedule does not end"
    return times


def test_whole_day_schedule() -> None:
    for seed in range(50):
        times = run_schedule(seed)
        assert times[1] - times[0] <= timedelta(seconds=15)
        assert times[-1] == T0 + DAY  # one last try exactly at the deadline
        assert all(t <= T0 + DAY for t in times)
        # 10 doubling steps (5 s .. 2560 s) then cap-sized gaps of 30-60 min fill the day
        assert 30 <= len(times) <= 60, len(times)
        gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:])]
        assert max(gaps) <= 3600


def test_first_retry_within_fifteen_seconds_of_the_failure() -> None:
    failed_at = T0 + timedelta(seconds=3)  # the first attempt took 3 s to time out
    rng = random.Random(7)
    for _ in range(1000):
        nxt = next_attempt_at(1, T0, failed_at, rng=rng)
        assert nxt is not None and failed_at < nxt <= failed_at + timedelta(seconds=15)


def test_mean_delays_never_decrease() -> None:
    rng = random.Random(3)
    means = []
    for attempt in range(1, 25):
        delays = [(next_attempt_at(attempt, T0, T0, rng=rng) - T0).total_seconds() for _ in range(400)]
        means.append(sum(delays) / len(delays))
    assert means[0] < 5
    assert all(b >= a * 0.97 for a, b in zip(means, means[1:]))  # sampling noise at the cap
    assert means[-1] == pytest.approx(0.75 * 3600, rel=0.05)
    expected = [0.75 * backoff_seconds(a) for a in range(1, 25)]
    assert expected == sorted(expected)


@pytest.mark.parametrize("attempt", [1, 2, 5, 10, 11, 40, 10_000])
def test_jitter_stays_within_half_to_full_backoff(attempt: int) -> None:
    rng = random.Random(attempt)
    full = backoff_seconds(attempt)
    delays = {(next_attempt_at(attempt, T0, T0, rng=rng) - T0).total_seconds() for _ in range(300)}
    assert all(full / 2 <= d <= full for d in delays)
    assert len(delays) > 250  # it really is jittered
    assert max(delays) - min(delays) > full / 4


def test_seeded_rng_gives_the_same_schedule() -> None:
    assert run_schedule(42) == run_schedule(42)
    assert run_schedule(42) != run_schedule(43)


def test_gives_up_at_max_age_and_clamps_to_it() -> None:
    rng = random.Random(1)
    assert next_attempt_at(30, T0, T0 + DAY, rng=rng) is None
    assert next_attempt_at(30, T0, T0 + DAY + timedelta(hours=5), rng=rng) is None
    assert next_attempt_at(30, T0, T0 + DAY - timedelta(seconds=1), rng=rng) == T0 + DAY
    short = next_attempt_at(3, T0, T0, rng=rng, max_age=timedelta(seconds=4))
    assert short == T0 + timedelta(seconds=4)


def test_custom_base_and_cap_and_utc_result() -> None:
    rng = random.Random(5)
    local = datetime(2026, 3, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))  # == T0
    nxt = next_attempt_at(1, local, local, rng=rng, base=1.0, cap=2.0)
    assert nxt is not None and nxt.utcoffset() == timedelta(0)
    assert T0 + timedelta(seconds=0.5) <= nxt <= T0 + timedelta(seconds=1)
    assert backoff_seconds(50, base=1.0, cap=2.0) == 2.0


def test_bad_arguments_are_refused() -> None:
    rng = random.Random(0)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_attempt_at(1, T0.replace(tzinfo=None), T0, rng=rng)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_attempt_at(1, T0, T0.replace(tzinfo=None), rng=rng)
    with pytest.raises(ValueError, match="attempt"):
        next_attempt_at(0, T0, T0, rng=rng)
    with pytest.raises(ValueError, match="base"):
        next_attempt_at(1, T0, T0, rng=rng, base=0)
