"""`queues.dispatch`: the API hands work to the workers as messages that carry ids, never pixels — a
render, a packing slip, a press sheet each as its task on the render queue; `check` says whether the
broker answers. On the embedded file transport, read back from the queue."""

from __future__ import annotations

import pytest
from kombu.exceptions import OperationalError

from printline.settings import Settings
from queues.celery_app import RENDER_TASK, SHEET_TASK, SLIP_TASK, make_celery, render_queue
from queues.dispatch import CeleryJobQueue
from tests.conftest import free_port


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(var_dir=tmp_path / "var", queue="test.dispatch")


def _received(app, settings) -> list[tuple[str, list]]:
    out = []
    with app.connection_for_read() as conn:
        queue = conn.SimpleQueue(render_queue(settings))
        try:
            while True:
                try:
                    message = queue.get(timeout=1)
                except queue.Empty:
                    return out
                out.append((message.headers["task"], message.payload[0]))
                message.ack()
        finally:
            queue.close()


def test_each_kind_of_work_is_its_task_with_only_an_id(settings):
    app = make_celery(settings)
    queue = CeleryJobQueue(app)
    queue.send("job_1")
    queue.send_slip("ord_1")
    queue.send_sheet("sht_1")
    received = _received(app, settings)  # the file transport keeps no order between files
    assert sorted(received) == sorted([(RENDER_TASK, ["job_1"]), (SLIP_TASK, ["ord_1"]), (SHEET_TASK, ["sht_1"])])


def test_check_passes_while_the_broker_answers_and_raises_when_it_does_not(settings):
    CeleryJobQueue(make_celery(settings)).check()
    away = settings.model_copy(update={"broker_url": f"amqp://guest:guest@127.0.0.1:{free_port()}//"})
    with pytest.raises(OperationalError):
        CeleryJobQueue(make_celery(away)).check()
