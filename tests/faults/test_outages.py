"""Outages of S3, PostgreSQL and Redis while jobs render: degrade, retry, never lose a job.

- S3 refusing (proxy) for `S3_OUTAGE` s mid-render: the API answers 503 with Retry-After, `/readyz`
  503; the worker's storage errors are outages, retried with growing backoff and not counted as
  attempts (backoff cap 4 s here; in production 2 s doubling to 60 s, 12 retries: 4-8 min, see
  tests/queues/test_outage_backoff.py), so every job renders once S3 is back. 25 s keeps the test
  under a minute in the suite; `PRINTLINE_FAULT_S3_OUTAGE_SECONDS=120` runs the same test with a
  two-minute outage and the production backoff (about 3 min).
- PostgreSQL backends killed (`pg_terminate_backend`) three times while jobs render: a claim or a
  finish that loses its connection raises, the message goes back to the queue, the job is re-claimed.
- Redis unreachable from the start: uploads and renders go on, `/readyz` is 200 with
  `"redis": "degraded: ..."`, and the fallback is logged once, not per request.
"""

from __future__ import annotations

import json
import os
import time

import pytest

pytestmark = pytest.mark.integration
S3_OUTAGE = int(os.environ.get("PRINTLINE_FAULT_S3_OUTAGE_SECONDS", "25"))
LONG = S3_OUTAGE > 30  # past the fast backoff's budget (12 retries capped at 4 s): production's backoff


def test_s3_refusing_for_a_while(fault_stack, tmp_path):
    import random

    from tests import imagegen

    photo = imagegen.photo_jpeg(tmp_path / "new.jpg", random.randint(300, 400), 500)  # never uploaded before
    stack = fault_stack(via=("s3",), **({"PRINTLINE_RETRY_BACKOFF_CAP_SECONDS": "60"} if LONG else {})).start()
    jobs = stack.submit(3)
    assert stack.wait_state(jobs, ("rendering",)), stack.worker_log()
    stack.proxies["s3"].refuse()
    started = time.time()
    status, headers, _ = stack.http.call("POST", "/v1/uploads", photo.read_bytes(), "image/jpeg")
    ready = stack.http.call("GET", "/readyz")[0]
    time.sleep(max(0.0, S3_OUTAGE - (time.time() - started)))
    stack.proxies["s3"].heal()
    stack.settle(jobs, timeout=45 + (90 if LONG else 0))
    tally = stack.tally(jobs)
    tally.show(f"S3 refusing for {S3_OUTAGE} s (upload during it: {status}, Retry-After "
               f"{headers.get('Retry-After')}; readyz {ready})")
    assert status == 503 and headers.get("Retry-After", "").isdigit() and ready == 503
    assert tally.states.keys() <= {"approved", "qa_pending"}, stack.worker_log()
    assert (tally.lost, tally.duplicates, tally.stuck) == (0, 0, 0)


def _kill_backends(database_url: str) -> int:
    import psycopg

    name = database_url.rsplit("/", 1)[-1]
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchall()
    return len(rows)


def test_postgres_connections_killed(fault_stack):
    stack = fault_stack().start()
    jobs = stack.submit(4)
    assert stack.wait_state(jobs, ("rendering",)), stack.worker_log()
    killed = []
    for _ in range(3):
        killed.append(_kill_backends(stack.settings.database_url))
        time.sleep(1.5)
    stack.settle(jobs, timeout=50)
    ready = stack.http.call("GET", "/readyz")[0]  # the API's pool reconnects (pre-ping)
    tally = stack.tally(jobs)
    tally.show(f"PostgreSQL backends killed {killed}; readyz after: {ready}")
    assert sum(killed) > 0 and ready == 200
    assert tally.states.keys() <= {"approved", "qa_pending"}, stack.worker_log()
    assert (tally.lost, tally.duplicates, tally.stuck) == (0, 0, 0)


def test_redis_unreachable(fault_stack, tmp_path):
    stack = fault_stack(via=("redis",))
    stack.proxies["redis"].refuse()
    stack.start()
    status, _, body = stack.http.call("GET", "/readyz")
    checks = json.loads(body)["checks"]
    jobs = stack.submit(3)  # its upload goes through the API: rate limits fall back to the process
    for _ in range(20):
        stack.http.call("GET", "/v1/jobs")
    stack.settle(jobs, timeout=50)
    tally = stack.tally(jobs)
    api_log = (tmp_path / "api.log").read_text()
    degraded_lines = api_log.count("degraded ")
    tally.show(f"Redis unreachable (readyz {status} {checks.get('redis', '')[:40]}; "
               f"'degraded' logged {degraded_lines}x for 20+ requests)")
    assert status == 200 and checks["redis"].startswith("degraded")
    assert 1 <= degraded_lines <= 2, api_log[-2000:]
    assert tally.states.keys() <= {"approved", "qa_pending"}, stack.worker_log()
    assert (tally.lost, tally.duplicates, tally.stuck) == (0, 0, 0)
