"""Storage and database faults in the worker are outages: retried with growing backoff and not
counted as attempts, for long enough to ride out an outage of at least 2 minutes."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from records.models import Job
from orders.lifecycle.base import Policy
from orders.lifecycle.jobs import outage_backoff
from queues.render_job import Outcome, is_outage, run_render_job
from storage.base import ConflictError, StorageError
from tests.conftest import order_body
from tests.queues.test_render_job import fake_build


def test_the_default_schedule_covers_more_than_two_minutes():
    policy = Policy()
    low = sum(min(2.0 * 2 ** n, policy.backoff_cap) * 0.5 for n in range(policy.outage_retries))  # jitter 0.5
    high = sum(min(2.0 * 2 ** n, policy.backoff_cap) for n in range(policy.outage_retries))
    print(f"outage retries {policy.outage_retries}: waits {low:.0f}-{high:.0f} s in all")
    assert low >= 120 and high <= 600
    delays = [outage_backoff(n, 60, random.Random(n)) for n in range(12)]
    assert all(timedelta(seconds=0.5) <= d <= timedelta(seconds=60) for d in delays)
    assert delays[0] < delays[4]  # grows


def test_what_counts_as_an_outage():
    from sqlalchemy.exc import OperationalError

    assert is_outage(StorageError("S3 could not read"))
    assert is_outage(OperationalError("SELECT 1", {}, ConnectionRefusedError()))
    assert not is_outage(ConflictError("different bytes")) and not is_outage(OSError("disk full"))


def test_a_storage_outage_does_not_use_up_attempts(client, keys, services, photo):
    upload = client.post("/v1/uploads", data=photo.read_bytes(),
                         headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg"}).get_json()
    job_id = client.post("/v1/orders", json=order_body(upload["id"]),
                         headers=keys["myposter", "shop"]).get_json()["items"][0]["job_id"]

    def down(*args, **kwargs):
        raise StorageError("S3 could not store: connection refused")

    outcomes = [run_render_job(job_id, services, down) for _ in range(services.settings.max_attempts + 2)]
    assert outcomes == [Outcome.retry] * len(outcomes)  # more outages than attempts, still queued
    with services.sessions() as session:
        job = session.scalar(select(Job).where(Job.id == job_id))
        assert job.state == "queued" and job.attempts == 0
    assert run_render_job(job_id, services, fake_build()) is Outcome.done
