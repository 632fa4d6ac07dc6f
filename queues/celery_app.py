"""The Celery application, built from settings (RabbitMQ in the full stack, files under var/ embedded)."""

from __future__ import annotations

from celery import Celery
from kombu import Queue

from printline.settings import Settings

RENDER_TASK = "printline.render_job"
SLIP_TASK = "printline.packing_slip"
SHEET_TASK = "printline.build_sheet"


def make_celery(settings: Settings) -> Celery:
    """A Celery app for `settings`; the render queue is durable and messages are acked after the work."""
    app = Celery("printline", broker=settings.effective_broker_url, set_as_current=False)
    transport_options: dict[str, object] = {}
    if settings.embedded:
        folder = settings.broker_folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "control").mkdir(exist_ok=True)
        transport_options = {"data_folder_in": str(folder), "data_folder_out": str(folder),
                             "control_folder": str(folder / "control"), "store_processed": False}
    app.conf.update(
        broker_transport_options=transport_options,
        broker_connection_retry_on_startup=True,
        result_backend=settings.redis_url or None,
        task_ignore_result=not settings.redis_url,
        task_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=settings.task_time_limit,
        task_soft_time_limit=max(settings.task_time_limit - 30, 30),
        task_default_queue=settings.queue,
        task_queues=[Queue(settings.queue, durable=True)],
        task_routes={RENDER_TASK: {"queue": settings.queue}, SLIP_TASK: {"queue": settings.queue},
                     SHEET_TASK: {"queue": settings.queue}},
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        timezone="UTC",
        enable_utc=True,
    )
    return app
