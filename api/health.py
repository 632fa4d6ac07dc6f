"""Operators' endpoints: liveness, readiness (DB, broker, storage) and Prometheus metrics."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response, current_app
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from api.context import METRICS, services
from api.problems import problem_response
from api.schemas import Health

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


@bp.get("/metrics")
@bp.doc(summary="Prometheus metrics", hide=False,
        responses={200: {"description": "Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics():
    return Response(generate_latest(current_app.extensions[METRICS].registry), mimetype=CONTENT_TYPE_LATEST)
