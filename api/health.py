"""Operators' endpoints: liveness, readiness (DB, broker, storage) and Prometheus metrics."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select, text

from api.context import services
from api.problems import problem_response
from api.schemas import Health
from orders.db.models import Job

bp = APIBlueprint("health", __name__, tag="Operations")


@bp.get("/healthz")
@bp.output(Health)
@bp.doc(summary="Liveness: the process answers")
def healthz():
    return Health(status="ok")


@bp.get("/readyz")
@bp.output(Health)
@bp.doc(summary="Readiness: database, broker and storage answer", responses={503: "A part is down"})
def readyz():
    svc = services()
    checks: dict[str, str] = {}

    def probe(name: str, check) -> None:
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready; say which
            checks[name] = f"error: {type(exc).__name__}: {exc}"[:300]

    def database() -> None:
        with svc.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    probe("database", database)
    probe("broker", svc.queue.check)
    probe("storage", svc.storage.check)
    if all(v == "ok" for v in checks.values()):
        return Health(status="ok", checks=checks)
    failed = ", ".join(k for k, v in checks.items() if v != "ok")
    return problem_response(503, "not-ready", f"Not ready: {failed}.", checks=checks)


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


def metrics_registry(sessions) -> CollectorRegistry:
    from api.metrics import register_http_metrics

    registry = CollectorRegistry()
    registry.register(JobStateCollector(sessions))
    register_http_metrics(registry)
    return registry


@bp.get("/metrics")
@bp.doc(summary="Prometheus metrics", hide=False)
def metrics():
    from flask import current_app

    return Response(generate_latest(current_app.extensions["printline.metrics"]), mimetype=CONTENT_TYPE_LATEST)
