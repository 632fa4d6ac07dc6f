"""`queues.celery_app`: the Celery app from settings — on RabbitMQ a quorum render queue with a delivery
limit and at-least-once dead-lettering, publisher confirms, a time limit below the consumer timeout; on
the embedded file transport a plain durable queue with every file under var/; everywhere late acks,
prefetch 1, no result backend, and the three tasks routed to the render queue."""

from __future__ import annotations

import pytest

from printline.settings import Settings
from queues.celery_app import (RABBITMQ_CONSUMER_TIMEOUT, RENDER_TASK, SHEET_TASK, SLIP_TASK, dead_letter_name,
                               dead_letter_queue, declare_dead_letter, make_celery, render_queue)

AMQP = "amqp://guest:guest@127.0.0.1:5672//"


@pytest.fixture
def rabbit(tmp_path) -> Settings:
    return Settings(var_dir=tmp_path / "var", broker_url=AMQP, queue="test.render", delivery_limit=4,
                    task_time_limit=600)


def test_on_rabbitmq_the_render_queue_is_quorum_with_dead_lettering(rabbit):
    queue = render_queue(rabbit)
    assert (queue.name, queue.routing_key, queue.durable) == ("test.render", "test.render", True)
    assert queue.exchange.name == "test.render" and queue.exchange.type == "direct"
    assert queue.queue_arguments == {
        "x-queue-type": "quorum", "x-delivery-limit": 4, "x-dead-letter-exchange": "test.render.dead",
        "x-dead-letter-routing-key": "test.render.dead", "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish"}
    dead = dead_letter_queue(rabbit)
    assert dead.name == dead_letter_name(rabbit) == "test.render.dead"
    assert dead.queue_arguments == {"x-queue-type": "quorum"} and dead.exchange.name == "test.render.dead"


def test_the_embedded_queue_is_a_plain_durable_one(tmp_path):
    settings = Settings(var_dir=tmp_path / "var", queue="test.render")
    queue = render_queue(settings)
    assert queue.durable and not queue.queue_arguments
    declare_dead_letter(make_celery(settings), settings)  # a no-op: no broker to declare on


def test_tasks_are_acked_late_one_at_a_time_within_time_limits(rabbit):
    conf = make_celery(rabbit).conf
    assert conf.task_acks_late is True and conf.task_acks_on_failure_or_timeout is False
    assert conf.task_reject_on_worker_lost is True and conf.worker_prefetch_multiplier == 1
    assert (conf.task_time_limit, conf.task_soft_time_limit) == (600, 570)
    assert conf.result_backend is None and conf.task_ignore_result is True
    assert conf.accept_content == ["json"] and conf.task_serializer == "json"
    assert conf.broker_transport_options == {"confirm_publish": True}
    assert conf.task_default_queue == "test.render" and conf.task_default_exchange == "test.render"
    assert [q.name for q in conf.task_queues] == ["test.render"]
    assert conf.task_queues[0].queue_arguments["x-queue-type"] == "quorum"
    assert conf.task_routes == {name: {"queue": "test.render", "routing_key": "test.render"}
                                for name in (RENDER_TASK, SLIP_TASK, SHEET_TASK)}


def test_pool_children_are_recycled_by_task_count_and_memory(tmp_path):
    conf = make_celery(Settings(var_dir=tmp_path / "var")).conf
    assert (conf.worker_max_tasks_per_child, conf.worker_max_memory_per_child) == (100, 600 * 1024)  # KiB
    never = make_celery(Settings(var_dir=tmp_path / "var", worker_max_tasks_per_child=0,
                                 worker_max_memory_per_child_mb=0)).conf
    assert (never.worker_max_tasks_per_child, never.worker_max_memory_per_child) == (None, None)


def test_the_soft_limit_leaves_the_task_time_to_record_a_failure(tmp_path):
    def soft(limit: int) -> int:
        return make_celery(Settings(var_dir=tmp_path / "var", task_time_limit=limit)).conf.task_soft_time_limit

    assert soft(900) == 870  # 30 s before the hard limit
    assert soft(100) == 80  # short limits: 80 %
    assert soft(1) == 1


def test_a_time_limit_at_rabbitmqs_consumer_timeout_is_refused(rabbit, tmp_path):
    with pytest.raises(ValueError, match="consumer timeout"):
        make_celery(rabbit.model_copy(update={"task_time_limit": RABBITMQ_CONSUMER_TIMEOUT}))
    embedded = Settings(var_dir=tmp_path / "var", task_time_limit=RABBITMQ_CONSUMER_TIMEOUT)
    assert make_celery(embedded).conf.task_time_limit == RABBITMQ_CONSUMER_TIMEOUT  # no such timeout there


def test_embedded_broker_keeps_all_its_files_under_var(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings(var_dir=tmp_path / "var")
    app = make_celery(settings)
    options = app.conf.broker_transport_options
    folders = [options["data_folder_in"], options["data_folder_out"], options["control_folder"]]
    assert all(str(settings.var_dir) in folder for folder in folders)
    with app.connection_for_write() as conn:
        conn.default_channel  # opening the channel creates the transport's folders
    app.send_task("printline.render_job", args=["job_x"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["var"]
    assert any((settings.var_dir / "broker").iterdir())


def test_an_idle_worker_looks_into_the_embedded_broker_often(tmp_path):
    """kombu's file transport polls once a second by default: an idle worker then waited up to a
    second for each job (bench/fleet.py). The transport kombu builds takes the shorter interval."""
    from queues.celery_app import EMBEDDED_POLL_SECONDS

    app = make_celery(Settings(var_dir=tmp_path / "var"))
    with app.connection_for_write() as conn:
        assert conn.transport.polling_interval == EMBEDDED_POLL_SECONDS <= 0.1
