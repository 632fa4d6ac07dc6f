"""Two copies of one render message at once (a redelivery racing the original) leave one effect.

The claim counts attempts (the second copy re-claims the `rendering` job as attempt 2), work folders are
per attempt, storage writes are conditional on the same bytes, and only the newest attempt may finish
or fail the job: one print file, one `finish_render` event, whatever order the copies end in.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import select

from records.models import Event, Job
from queues.render_job import Outcome, run_render_job
from tests import imagegen
from tests.conftest import order_body


def _printfiles(services, job: Job) -> list[str]:
    folder = job.printfile_key.rsplit("/", 1)[0]
    root = services.storage.root if hasattr(services.storage, "root") else None
    if root is not None:
        return sorted(p.name for p in (Path(root) / folder).glob("*.pdf"))
    return [job.printfile_key] if services.storage.exists(job.printfile_key) else []


def test_two_copies_of_one_message_render_one_print_file(client, keys, services, tmp_path):
    photo = imagegen.photo_jpeg(tmp_path / "p.jpg", 240, 360)
    upload = client.post("/v1/uploads", data=photo.read_bytes(),
                         headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg"}).get_json()
    order = client.post("/v1/orders", json=order_body(upload["id"], product="poster-20x30"),
                        headers=keys["myposter", "shop"]).get_json()
    job_id = order["items"][0]["job_id"]
    start, outcomes = threading.Barrier(2), []

    def copy() -> None:
        start.wait()
        outcomes.append(run_render_job(job_id, services))

    threads = [threading.Thread(target=copy) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with services.sessions() as session:
        job = session.scalar(select(Job).where(Job.id == job_id))
        finishes = session.scalars(select(Event).where(Event.job_id == job_id,
                                                       Event.to_state == "rendered")).all()
    files = _printfiles(services, job)
    duplicates, lost = len(files) - 1, int(job.state not in ("approved", "qa_pending"))
    print(f"two copies: outcomes {sorted(o.value for o in outcomes)}; lost {lost}, duplicate print files "
          f"{duplicates}, finishes {len(finishes)}")
    assert sorted(outcomes) == sorted([Outcome.done, Outcome.abandoned]) or outcomes.count(Outcome.done) == 1
    assert len(finishes) == 1 and len(files) == 1 and lost == 0
