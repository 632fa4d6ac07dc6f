"""`printline.clock`: the system clock tells aware UTC time; a fixed clock tells what it was given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from printline.clock import FixedClock, SystemClock


def test_the_system_clock_is_now_in_utc():
    before = datetime.now(UTC)
    now = SystemClock().now()
    after = datetime.now(UTC)
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert before <= now <= after


def test_a_fixed_clock_says_what_it_is_told_until_moved():
    at = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
    clock = FixedClock(at)
    assert clock.now() == clock.now() == at
    clock.at = at + timedelta(minutes=5)
    assert clock.now() - at == timedelta(minutes=5)
