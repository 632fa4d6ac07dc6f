"""The Celery application, built from settings (RabbitMQ in the full stack, files under var/ embedded).

On RabbitMQ the render queue is a **quorum queue**: replicated, with a delivery limit (a message whose
consumer died or rejected it `delivery_limit` times is a poison and goes to the dead-letter queue
`<queue>.dead`, at-least-once, instead of looping for ever) and publisher confirms (a publish the broker
did not take raises, so the outbox keeps the row). The embedded file transport has none of that: its
queue is a plain durable one, and the relay's stale-claim pass is its safety net.

Acks are late (a message is acked after its task), prefetch is one, a task that fails or times out is
*not* acked (rejected: requeued when the worker was lost or the hard limit hit, dead-lettered otherwise),
and the hard time limit stays below RabbitMQ's consumer timeout (30 min by default): past that the
broker closes the channel and every unacked message of the worker comes back at once.
"""

from __future__ import annotations

from celery import Celery
from kombu import Exchange, Queue

from queues.ports import QueueSettings as Settings

RENDER_TASK = "printline.render_job"
SLIP_TASK = "printline.packing_slip"
SHEET_TASK = "printline.build_sheet"
RABBITMQ_CONSUMER_TIMEOUT = 1800  # seconds, RabbitMQ's default `consumer_timeout`


def dead_letter_name(settings: Settings) -> str:
    return f"{settings.queue}.dead"


def render_queue(settings: Settings) -> Queue:
    """The render queue as the transport can have it: quorum with dead-lettering on RabbitMQ."""
    if settings.embedded:
        return Queue(settings.queue, durable=True)
    dead = dead_letter_name(settings)
    return Queue(settings.queue, Exchange(settings.queue, type="direct", durable=True), routing_key=settings.queue,
                 durable=True, queue_arguments={
                     "x-queue-type": "quorum",
                     "x-delivery-limit": settings.delivery_limit,
                     "x-dead-letter-exchange": dead,
                     "x-dead-letter-routing-key": dead,
                     "x-dead-letter-strategy": "at-least-once",
                     "x-overflow": "reject-publish",  # at-least-once dead-lettering requires it
                 })


def dead_letter_queue(settings: Settings) -> Queue:
    """Where poison messages end (a quorum queue too; nobody consumes it but an operator)."""
    dead = dead_letter_name(settings)
    return Queue(dead, Exchange(dead, type="direct", durable=True), routing_key=dead, durable=True,
                 queue_arguments={"x-queue-type": "quorum"})


def declare_dead_letter(app: Celery, settings: Settings) -> None:
    """Declare the dead-letter exchange and queue (the worker consumes only the render queue, so
    Celery would not declare them); a no-op on the file transport."""
    if settings.embedded:
        return
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=5)
        dead_letter_queue(settings)(conn.default_channel).declare()


EMBEDDED_POLL_SECONDS = 0.1
"""How often an idle worker looks into the embedded (file) broker's folder. kombu's default, 1 s,
was most of the service path's latency over `printline render` for one job (bench/fleet.py, 5 single
jobs: best 1.72 s but median 2.73 s against the CLI's 1.88 s); a look is one directory listing."""


def _transport_options(settings: Settings) -> dict[str, object]:
    if not settings.embedded:
        return {"confirm_publish": True}
    folder = settings.broker_folder
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "control").mkdir(exist_ok=True)
    return {"data_folder_in": str(folder), "data_folder_out": str(folder),
            "control_folder": str(folder / "control"), "store_processed": False,
            "polling_interval": EMBEDDED_POLL_SECONDS}


def make_celery(settings: Settings) -> Celery:
    """A Celery app for `settings`: late acks, prefetch 1, limits below the broker's consumer timeout."""
    if not settings.embedded and settings.task_time_limit >= RABBITMQ_CONSUMER_TIMEOUT:
        raise ValueError(f"PRINTLINE_TASK_TIME_LIMIT ({settings.task_time_limit} s) must stay below RabbitMQ's "
                         f"consumer timeout ({RABBITMQ_CONSUMER_TIMEOUT} s)")
    app = Celery("printline", broker=settings.effective_broker_url, set_as_current=False)
    queue = render_queue(settings)
    app.conf.update(
        broker_transport_options=_transport_options(settings),
        broker_connection_retry_on_startup=True,
        # No result backend: outcomes live in the database, and a Redis result store would make Redis a
        # dependency of every task (a task whose result cannot be stored fails and is dead-lettered).
        result_backend=None,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_acks_on_failure_or_timeout=False,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # Recycling: libvips and malloc keep a child's peak after a large render; a fresh child does not.
        worker_max_tasks_per_child=settings.worker_max_tasks_per_child or None,
        worker_max_memory_per_child=settings.worker_max_memory_per_child_mb * 1024 or None,  # KiB
        task_time_limit=settings.task_time_limit,
        task_soft_time_limit=max(settings.task_time_limit - 30, int(settings.task_time_limit * 0.8), 1),
        task_default_queue=settings.queue,
        task_default_exchange=queue.exchange.name or "",
        task_default_routing_key=settings.queue,
        task_queues=[queue],
        task_routes={name: {"queue": settings.queue, "routing_key": settings.queue}
                     for name in (RENDER_TASK, SLIP_TASK, SHEET_TASK)},
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        timezone="UTC",
        enable_utc=True,
    )
    return app
