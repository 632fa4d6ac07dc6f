"""Access to the services and the caller from inside a request, and the port the API needs of the
process that serves it (`ApiServices`: the composition root's `printline.services.Services` has these
parts; the API never imports it back)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from flask import current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.ratelimit import RateLimiter
from orders.lifecycle import Lifecycle
from profiles.catalogue import Catalogue
from storage import Storage


class ApiServices(Protocol):
    """The parts a request uses, built once per API process."""

    settings: Any  # printline.settings.Settings: limits, presign time, webhook rules
    catalogue: Catalogue
    engine: Engine
    sessions: sessionmaker[Session]
    storage: Storage
    queue: Any  # checked by /readyz
    progress: Any
    rate_limiter: RateLimiter
    lifecycle: Lifecycle
    clock: Any
    quote: Callable[..., Any] | None

EXTENSION = "printline"
METRICS = "printline.metrics"


@dataclass(frozen=True)
class Caller:
    key_id: str
    brand: str
    role: str
    sandbox: bool = False  # a sandbox key: its orders never enter production


def services() -> ApiServices:
    return current_app.extensions[EXTENSION]


def caller() -> Caller:
    return g.caller
