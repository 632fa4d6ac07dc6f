"""The sweeper re-sends only jobs that stayed queued longer than the given age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from records.models import Job
from printline.clock import FixedClock
from queues.sweeper import requeue_stale
from tests.conftest import order_body


def test_requeues_only_stale_queued_jobs(client, keys, photo, services):
    headers = keys["myposter", "shop"]
    upload = client.post("/v1/uploads", data=photo.read_bytes(), headers={**headers, "Content-Type": "image/jpeg"})
    ids = []
    for n in range(3):
        body = order_body(upload.get_json()["id"], external_id=f"MP-{n}")
        ids.append(client.post("/v1/orders", json=body, headers=headers).get_json()["items"][0]["job_id"])
    stale, fresh, started = ids
    now = datetime.now(UTC)
    with services.sessions() as session:
        for job in session.scalars(select(Job)):
            job.updated_at = now - (timedelta(minutes=30) if job.id in (stale, started) else timedelta(seconds=5))
            if job.id == started:
                job.state = "rendering"
        session.commit()
    services.queue.sent.clear()
    services.clock = FixedClock(now)
    assert requeue_stale(services, older_than_seconds=300) == 1
    assert services.queue.sent == [stale]
