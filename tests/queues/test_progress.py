"""Live progress of a render: shared through Redis between a worker and every API replica."""

from __future__ import annotations

import uuid

from queues.progress import PROGRESS_TTL, NullProgress, RedisProgress


def test_progress_is_shared_through_redis(redis_url):
    from printline.services import redis_client

    client = redis_client(redis_url)
    job_id = f"job_{uuid.uuid4().hex[:12]}"
    worker_side, api_side = RedisProgress(client), RedisProgress(redis_client(redis_url))
    assert api_side.read(job_id) is None
    worker_side.report(job_id, "rendering")
    assert api_side.read(job_id) == "rendering"
    assert 0 < client.ttl(f"printline:progress:{job_id}") <= PROGRESS_TTL


def test_embedded_defaults_have_no_progress_store():
    progress = NullProgress()
    progress.report("job_x", "rendering")
    assert progress.read("job_x") is None
