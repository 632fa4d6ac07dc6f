"""Prometheus metrics of one API process: HTTP requests and latency, plus jobs by brand and state from
the DB. `/metrics` is anonymous, so the per-brand job counts (business data: how many orders a brand
has) sit in a registry of their own, served only to a scraper that sends `PRINTLINE_METRICS_TOKEN`."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from records.models import Job


class JobStateCollector:
    """Jobs per brand and state, read from the database at scrape time (the real queue depth)."""

    def __init__(self, sessions) -> None:
        self.sessions = sessions

    def collect(self):
        gauge = GaugeMetricFamily("printline_jobs", "Jobs by brand and state", labels=["brand", "state"])
        with self.sessions() as session:
            for brand, state, count in session.execute(
                    select(Job.brand, Job.state, func.count()).group_by(Job.brand, Job.state)):
                gauge.add_metric([brand, state], count)
        yield gauge


@dataclass
class ApiMetrics:
    """The registry `/metrics` serves and the HTTP metrics recorded into it."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    business: CollectorRegistry = field(default_factory=CollectorRegistry)  # behind the metrics token

    def __post_init__(self) -> None:
        self.requests = Counter("printline_http_requests_total", "HTTP requests", ["method", "endpoint", "status"],
                                registry=self.registry)
        self.latency = Histogram("printline_http_request_seconds", "HTTP request latency", ["endpoint"],
                                 registry=self.registry)

    def watch_jobs(self, sessions) -> None:
        self.business.register(JobStateCollector(sessions))

    def instrument(self, app: Flask) -> None:
        """Count every request by endpoint and status, and time it."""

        @app.before_request
        def _start() -> None:
            g._started = time.perf_counter()

        @app.after_request
        def _count(response):
            endpoint = request.endpoint or "unknown"
            self.requests.labels(request.method, endpoint, response.status_code).inc()
            if hasattr(g, "_started"):
                self.latency.labels(endpoint).observe(time.perf_counter() - g._started)
            return response
