"""Live progress of a render (stage and percent from libvips' eval signals), shared between a worker and
the API: Redis on the full stack, small files under var/ on embedded defaults (the API and the worker are
two processes there, so a dict in one process would not do)."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Protocol

PROGRESS_TTL = 3600


class Progress(Protocol):
    def report(self, job_id: str, stage: str, percent: int | None = None) -> None: ...

    def read(self, job_id: str) -> str | None:
        """The stage, or None when nothing is known."""
        ...

    def percent(self, job_id: str) -> int | None: ...


def _encode(stage: str, percent: int | None) -> str:
    return json.dumps({"stage": stage, "percent": percent})


def _decode(raw: str | bytes | None) -> dict | None:
    if raw is None:
        return None
    text = raw.decode() if isinstance(raw, bytes) else raw
    try:
        value = json.loads(text)
    except ValueError:
        return {"stage": text, "percent": None}
    return value if isinstance(value, dict) else {"stage": text, "percent": None}


class NullProgress:
    """No shared store: progress is just the job state."""

    def report(self, job_id: str, stage: str, percent: int | None = None) -> None:
        return None

    def read(self, job_id: str) -> str | None:
        return None

    def percent(self, job_id: str) -> int | None:
        return None


class FileProgress:
    """Embedded defaults: one small file per rendering job under a folder both processes see; written
    atomically (temp + rename), read as stale after an hour like the Redis keys."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, job_id: str) -> Path:
        return self.folder / f"{''.join(c for c in job_id if c.isalnum() or c == '_')}.json"

    def report(self, job_id: str, stage: str, percent: int | None = None) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(job_id)
        tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")  # two copies in one process
        tmp.write_text(_encode(stage, percent))
        os.replace(tmp, path)

    def _value(self, job_id: str) -> dict | None:
        path = self._path(job_id)
        try:
            if time.time() - path.stat().st_mtime > PROGRESS_TTL:
                return None
            return _decode(path.read_text())
        except OSError:
            return None

    def read(self, job_id: str) -> str | None:
        value = self._value(job_id)
        return value["stage"] if value else None

    def percent(self, job_id: str) -> int | None:
        value = self._value(job_id)
        return value.get("percent") if value else None


class RedisProgress:
    """The current stage and percent of each rendering job, kept an hour in Redis."""

    def __init__(self, client) -> None:  # redis.Redis
        self.client = client

    def report(self, job_id: str, stage: str, percent: int | None = None) -> None:
        self.client.set(f"printline:progress:{job_id}", _encode(stage, percent), ex=PROGRESS_TTL)

    def _value(self, job_id: str) -> dict | None:
        return _decode(self.client.get(f"printline:progress:{job_id}"))

    def read(self, job_id: str) -> str | None:
        value = self._value(job_id)
        return value["stage"] if value else None

    def percent(self, job_id: str) -> int | None:
        value = self._value(job_id)
        return value.get("percent") if value else None
