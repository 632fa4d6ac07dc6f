"""A worker SIGKILLed mid-render or mid-store, and a render past its time limit: nothing lost, nothing
printed twice, nothing left `queued` or `rendering`.

- Mid-render: the unacked message comes back when the dead worker's connection closes (quorum queue,
  delivery count +1); the new worker re-claims the `rendering` job as the next attempt.
- Mid-store: S3 is stalled (proxy) once the render is stored-bound, the worker killed while its PUTs
  hang; the rerun of the same version finds some objects already there (conditional writes).
- Time limit: a render of several seconds (poster-100x150, a 100 x 150 cm raster) under a 2 s hard limit
  (soft 1 s) ends `failed` with a reason after its attempts, never looping or staying `rendering`.
"""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.integration


def test_worker_killed_mid_render(fault_stack):
    stack = fault_stack().start()
    jobs = stack.submit(3)
    victim = stack.wait_state(jobs, ("rendering",))
    assert victim, stack.worker_log()
    time.sleep(1.0)  # inside the ~3 s render
    stack.kill_worker()
    stack.start_worker()
    stack.settle(jobs, timeout=50)
    tally = stack.tally(jobs)
    tally.show("worker SIGKILL mid-render")
    assert (tally.lost, tally.duplicates, tally.stuck) == (0, 0, 0), stack.worker_log()


def test_worker_killed_mid_store(fault_stack):
    stack = fault_stack(via=("s3",)).start()
    jobs = stack.submit(2)
    redis = stack.inspect.redis_client
    victim = stack.wait_state(jobs, ("rendering",))
    assert victim, stack.worker_log()
    deadline = time.time() + 20
    while time.time() < deadline and b"rendering" not in (redis.get(f"printline:progress:{victim}") or b""):
        time.sleep(0.01)
    stack.proxies["s3"].stall()  # the download is done; the store will hang
    while time.time() < deadline and b"storing" not in (redis.get(f"printline:progress:{victim}") or b""):
        time.sleep(0.01)
    stored = b"storing" in (redis.get(f"printline:progress:{victim}") or b"")
    time.sleep(0.5)
    stack.kill_worker()
    stack.proxies["s3"].heal()
    stack.start_worker()
    stack.settle(jobs, timeout=50)
    tally = stack.tally(jobs)
    tally.show(f"worker SIGKILL mid-store (killed while storing: {stored})")
    assert stored, stack.worker_log()
    assert (tally.lost, tally.duplicates, tally.stuck) == (0, 0, 0), stack.worker_log()


def test_render_past_its_time_limit_fails_with_a_reason(fault_stack):
    stack = fault_stack(PRINTLINE_TASK_TIME_LIMIT="2").start()
    jobs = stack.submit(2, upload_id=stack.upload("big", (2000, 3000)), product="poster-100x150")  # > 2 s
    stack.settle(jobs, timeout=55)
    tally = stack.tally(jobs)
    tally.show("render past its time limit")
    with stack.inspect.sessions() as session:
        from sqlalchemy import select

        from records.models import Job

        reasons = {row.reason_code for row in session.execute(select(Job.reason_code).where(
            Job.id.in_(jobs), Job.state == "failed"))}
    log = stack.worker_log()
    assert "time limit" in log.lower()  # the limit did hit (soft: retried; hard: the child is killed)
    assert tally.states == {"failed": 2}, log
    assert reasons and reasons <= {"internal-error", "attempts-exhausted"}, log
    assert (tally.lost, tally.duplicates, tally.stuck) == (0, 0, 0)
