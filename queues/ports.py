"""What the queue side needs from the process that runs it, as protocols beside their users: the
settings it reads and the parts a task uses. The composition root (`printline/`) builds the real ones
per role and passes them in; nothing here imports it back (no `queues ⇄ printline` cycle)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from orders.lifecycle import Lifecycle
from profiles.catalogue import Catalogue
from queues.progress import Progress
from storage import Storage


class QueueSettings(Protocol):
    """The settings a Celery app, a task and the relay read (`printline.settings.Settings` has them)."""

    var_dir: Path
    broker_url: str
    redis_url: str
    queue: str
    task_time_limit: int
    max_attempts: int
    auto_approve: bool
    worker_concurrency: int
    worker_max_tasks_per_child: int
    worker_max_memory_per_child_mb: int

    @property
    def effective_broker_url(self) -> str: ...

    @property
    def broker_folder(self) -> Path: ...

    @property
    def embedded(self) -> bool: ...


class WorkerServices(Protocol):
    """The parts a worker's task uses, built once per worker process."""

    settings: Any  # QueueSettings and the rest of the process's settings
    catalogue: Catalogue
    sessions: sessionmaker[Session]
    storage: Storage
    progress: Progress
    lifecycle: Lifecycle
    clock: Any
