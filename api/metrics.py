"""HTTP request metrics of one API process."""

from __future__ import annotations

import time

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram

_REQUESTS = "printline_http_requests_total"


def register_http_metrics(registry: CollectorRegistry) -> None:
    registry._printline_requests = Counter(  # type: ignore[attr-defined]
        _REQUESTS, "HTTP requests", ["method", "endpoint", "status"], registry=registry)
    registry._printline_latency = Histogram(  # type: ignore[attr-defined]
        "printline_http_request_seconds", "HTTP request latency", ["endpoint"], registry=registry)


def instrument(app: Flask, registry: CollectorRegistry) -> None:
    """Count every request by endpoint and status, and time it."""

    @app.before_request
    def _start() -> None:
        g._started = time.perf_counter()

    @app.after_request
    def _count(response):
        endpoint = request.endpoint or "unknown"
        registry._printline_requests.labels(request.method, endpoint, response.status_code).inc()
        if hasattr(g, "_started"):
            registry._printline_latency.labels(endpoint).observe(time.perf_counter() - g._started)
        return response
