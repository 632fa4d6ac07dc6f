"""The one settings object, read from `PRINTLINE_*` environment variables in one place.

Built once at start-up (``Settings()``) and passed down; nothing else reads the environment.
Defaults are the embedded ones a laptop can run with: SQLite, local files and a file-based
Celery transport, all under ``var/``.

A pydantic model that takes the `PRINTLINE_*` variables before it validates (keywords given to
it win), rather than pydantic-settings' BaseSettings: every field is a scalar that pydantic parses
from its string, and pydantic-settings with its cloud, dotenv and CLI sources cost ~55 ms and
~4.7 MB of every process's start-up (`-X importtime`, /proc/self/statm), 2-3 % of a one-off
`printline render`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DEFAULT_VAR_DIR = Path("var")
ENV_PREFIX = "PRINTLINE_"


class Settings(BaseModel):
    """Everything that differs between a laptop, CI and production."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    var_dir: Path = Field(DEFAULT_VAR_DIR, description="Working folder for the embedded defaults.")
    database_url: str = Field("", description="SQLAlchemy URL; empty means SQLite under var/.")
    broker_url: str = Field("", description="Celery broker; empty means a file transport under var/.")
    redis_url: str = Field("", description="Redis for progress and rate limits; empty means in-process.")
    storage_url: str = Field("", description="file:///path or s3://bucket/prefix; empty means var/storage.")
    s3_endpoint_url: str = Field("", description="S3 endpoint for non-AWS S3 (moto, MinIO).")
    s3_region: str = Field("eu-central-1", description="S3 region.")
    s3_multipart_threshold: int = Field(16 * 1024 * 1024, description="Bytes above which S3 uploads go multipart.")
    presign_seconds: int = Field(300, description="Lifetime of presigned download URLs.")
    api_host: str = Field("127.0.0.1")
    api_port: int = Field(8000)
    api_threads: int = Field(8)
    max_upload_bytes: int = Field(200 * 1024 * 1024, description="Largest accepted upload body.")
    max_pixels: int = Field(100_000_000, description="Largest accepted image, in pixels.")
    max_decode_bytes: int = Field(400 * 1024 * 1024, description="Decode budget of one image: decoded bytes "
                                  "plus what a non-streamable decode holds (render.limits; keeps a job "
                                  "under ~500 MB peak RSS).")
    max_pages: int = Field(100, description="Most pages or frames an accepted image file may have.")
    rate_limit_per_minute: int = Field(600, description="Requests per key and minute; 0 turns limiting off.")
    queue: str = Field("printline.render", description="Name of the render queue.")
    catalogue_dir: Path | None = Field(None, description="Catalogue data folder; empty means the packaged one.")
    worker_concurrency: int = Field(1)
    worker_max_tasks_per_child: int = Field(100, ge=0, description="A worker's pool child is replaced after "
                                            "this many tasks (0: never), so what one long-lived child keeps "
                                            "of large renders goes back to the system.")
    worker_max_memory_per_child_mb: int = Field(600, ge=0, description="A pool child whose resident memory "
                                                "is above this after a task is replaced (0: never). Above the "
                                                "worst render's peak (k8s/sizing.json), below the pod's limit.")
    task_time_limit: int = Field(900, description="Hard limit of one render task, seconds.")
    auto_approve: bool = Field(True, description="Approve jobs whose preflight verdict is ok without QA.")
    max_attempts: int = Field(3, description="Render attempts before a job fails for good.")
    delivery_limit: int = Field(6, description="RabbitMQ deliveries of one render message before it is "
                                "dead-lettered to <queue>.dead (above max_attempts: the job fails first).")
    heartbeat_seconds: float = Field(30.0, description="How often a rendering worker touches its job's "
                                     "updated_at, so the relay can tell a live claim from a dead one.")
    stale_claim_seconds: float = Field(150.0, description="A `rendering` job without a heartbeat for this "
                                       "long is taken back by the relay (several heartbeats).")
    outage_retries: int = Field(12, description="Retries of a render that hit a storage or database fault; "
                                "not counted as attempts (backoff 2 s doubling to the cap: ~8 min).")
    retry_backoff_cap_seconds: float = Field(60.0, description="Longest pause between outage retries.")
    metrics_token: str = Field("", description="Bearer token that unlocks per-brand job counts on /metrics.")
    webhooks_allow_private: bool = Field(False, description="Deliver webhooks to loopback and private "
                                         "addresses (tests and local demos only).")
    webhook_timeout_seconds: float = Field(10.0, description="No answer within this is a failed attempt.")
    uploads_allow_private: bool = Field(False, description="Fetch URL uploads from loopback and private "
                                        "addresses, and over plain http (tests and local demos only).")
    url_fetch_timeout_seconds: float = Field(30.0, description="A URL upload's whole fetch (redirects included).")
    url_fetch_threads: int = Field(2, ge=1, description="URL uploads fetched at once per API process.")
    url_fetch_queue: int = Field(32, ge=0, description="URL uploads waiting beyond those; more answer 503.")
    webhook_retry_hours: float = Field(24.0, description="How long a failing delivery is retried.")
    webhook_lease_seconds: float = Field(60.0, description="A delivery whose relay died is tried again after this.")
    relay: bool = Field(True, description="`printline worker` runs the outbox relay beside itself.")
    relay_interval_seconds: float = Field(0.5, description="Pause of an idle relay between passes.")
    malloc_arenas: int = Field(2, ge=0, description="glibc malloc arenas per process (printline.arenas: "
                               "~9 MB off a render's peak); 0 keeps glibc's default of 8 per core.")
    log_level: str = Field("INFO")
    log_json: bool = Field(False, description="Log JSON lines (production) instead of console lines.")

    @model_validator(mode="before")
    @classmethod
    def _environment(cls, data: Any) -> Any:
        """`PRINTLINE_<FIELD>` (any case) for each field not given as a keyword."""
        if not isinstance(data, dict):
            return data
        found = {name[len(ENV_PREFIX):].lower(): value for name, value in os.environ.items()
                 if name.upper().startswith(ENV_PREFIX)}
        return {**{k: v for k, v in found.items() if k in cls.model_fields}, **data}

    @field_validator("var_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'printline.sqlite'}"

    @property
    def effective_broker_url(self) -> str:
        return self.broker_url or "filesystem://"

    @property
    def effective_storage_url(self) -> str:
        return self.storage_url or (self.var_dir / "storage").as_uri()

    @property
    def broker_folder(self) -> Path:
        """Folder of the embedded file transport (used only when no broker URL is set)."""
        return self.var_dir / "broker"

    @property
    def embedded(self) -> bool:
        return not self.broker_url
