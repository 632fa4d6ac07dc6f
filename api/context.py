"""Access to the services and the caller from inside a request."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g

from printline.services import Services

EXTENSION = "printline"
METRICS = "printline.metrics"


@dataclass(frozen=True)
class Caller:
    key_id: str
    brand: str
    role: str


def services() -> Services:
    return current_app.extensions[EXTENSION]


def caller() -> Caller:
    return g.caller
