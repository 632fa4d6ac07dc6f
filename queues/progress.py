"""Live progress of a render, shared between workers and the API (Redis, or nothing embedded)."""

from __future__ import annotations

from typing import Protocol

PROGRESS_TTL = 3600


class Progress(Protocol):
    def report(self, job_id: str, stage: str) -> None: ...

    def read(self, job_id: str) -> str | None: ...


class NullProgress:
    """Embedded defaults: no shared store, so progress is just the job state."""

    def report(self, job_id: str, stage: str) -> None:
        return None

    def read(self, job_id: str) -> str | None:
        return None


class RedisProgress:
    """The current stage of each rendering job, kept an hour in Redis."""

    def __init__(self, client) -> None:  # redis.Redis
        self.client = client

    def report(self, job_id: str, stage: str) -> None:
        self.client.set(f"printline:progress:{job_id}", stage, ex=PROGRESS_TTL)

    def read(self, job_id: str) -> str | None:
        value = self.client.get(f"printline:progress:{job_id}")
        return value.decode() if isinstance(value, bytes) else value
