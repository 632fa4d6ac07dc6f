"""`queues.tasks`: the worker's tasks on an app built from settings — the render task's body rejects the
message for redelivery on a database fault (after a pause that grows 1, 2, 4 ... 30 s) or a time limit
outside the render, the parts are built once per worker process, and each task calls its job."""

from __future__ import annotations

import pytest
from celery.exceptions import Reject, SoftTimeLimitExceeded
from sqlalchemy.exc import OperationalError

import queues.tasks as tasks
from printline.settings import Settings
from queues.celery_app import RENDER_TASK, SHEET_TASK, SLIP_TASK
from queues.render_job import Outcome
from queues.tasks import FaultPause, render_or_reject, worker_app


@pytest.fixture
def slept(monkeypatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr(tasks.time, "sleep", waits.append)
    return waits


def test_the_pause_doubles_up_to_its_cap_with_jitter_and_resets(slept):
    faults = FaultPause(cap=8.0)
    waited = [faults.pause() for _ in range(6)]
    assert waited == slept
    for n, seconds in enumerate(waited):
        full = min(2.0 ** n, 8.0)
        assert full * 0.5 <= seconds <= full
    faults.reset()
    assert faults.pause() <= 1.0


def test_a_database_fault_rejects_for_redelivery_after_a_pause(monkeypatch, slept):
    def down(job_id, services):
        raise OperationalError("UPDATE jobs", {}, ConnectionRefusedError("refused"))

    monkeypatch.setattr(tasks, "run_render_job", down)
    faults = FaultPause()
    for _ in range(2):
        with pytest.raises(Reject) as rejected:
            render_or_reject("job_1", object(), faults)
        assert rejected.value.requeue is True and "OperationalError" in str(rejected.value.reason)
    assert faults.count == 2 and len(slept) == 2
    monkeypatch.setattr(tasks, "run_render_job", lambda job_id, services: Outcome.done)
    assert render_or_reject("job_1", object(), faults) == Outcome.done.value
    assert faults.count == 0  # a render that got through: the next fault starts at 1 s again


def test_a_time_limit_outside_the_render_requeues_without_a_pause(monkeypatch, slept):
    def late(job_id, services):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(tasks, "run_render_job", late)
    with pytest.raises(Reject) as rejected:
        render_or_reject("job_1", object(), FaultPause())
    assert rejected.value.requeue is True and slept == []


def test_the_tasks_call_their_jobs_with_parts_built_once(tmp_path, monkeypatch):
    built, called = [], []

    def build_services(settings, *, queue):
        built.append((settings, queue))
        return "the services"

    monkeypatch.setattr(tasks, "run_render_job", lambda job_id, svc: called.append(("render", job_id, svc))
                        or Outcome.done)
    monkeypatch.setattr(tasks, "refresh_packing_slip", lambda svc, order_id: called.append(("slip", order_id, svc))
                        or "key")
    monkeypatch.setattr(tasks, "run_sheet_job", lambda sheet_id, svc: called.append(("sheet", sheet_id, svc))
                        or Outcome.done)
    settings = Settings(var_dir=tmp_path / "var", queue="test.tasks")
    app = worker_app(settings, build_services)
    assert app.tasks[RENDER_TASK]("job_1") == "done"
    assert app.tasks[SLIP_TASK]("ord_1") == "key"
    assert app.tasks[SHEET_TASK]("sht_1") == "done"
    assert called == [("render", "job_1", "the services"), ("slip", "ord_1", "the services"),
                      ("sheet", "sht_1", "the services")]
    [(given, queue)] = built
    assert given is settings and queue.app is app  # the tasks' own app sends follow-up work
