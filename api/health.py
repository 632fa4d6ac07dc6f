"""Operators' endpoints: liveness, readiness (DB, broker, storage) and Prometheus metrics.

`/readyz` only reads (a `SELECT 1`, a broker connection, a storage head/list): a load balancer probing
it every few seconds must not write objects. Redis is not a readiness condition (see printline.degrade):
when it is away `/readyz` still answers 200, with `"redis": "degraded: <error>"` so an operator sees it.
"""

from __future__ import annotations

import hmac

from apiflask import APIBlueprint
from flask import Response, current_app, request
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
    degraded = _redis(svc)
    if all(v == "ok" for v in checks.values()):
        return Health(status="ok", checks={**checks, **degraded})
    failed = ", ".join(k for k, v in checks.items() if v != "ok")
    checks.update(degraded)
    return problem_response(503, "not-ready", f"Not ready: {failed}.", checks=checks, values={"parts": failed})


def _redis(svc) -> dict[str, str]:
    """{"redis": "ok" | "degraded: ..."} on the full stack, {} without Redis."""
    client = getattr(svc, "redis_client", None)
    if client is None:
        return {}
    try:
        client.ping()
        return {"redis": "ok"}
    except Exception as exc:  # noqa: BLE001 - degraded, not down: progress and shared limits pause
        return {"redis": f"degraded: {type(exc).__name__}: {exc}"[:300]}


def _token_ok() -> bool:
    token = services().settings.metrics_token
    sent = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


@bp.get("/metrics")
@bp.doc(summary="Prometheus metrics", hide=False,
        responses={200: {"description": "Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics():
    """Process and HTTP metrics for anyone; per-brand job counts only with the metrics token."""
    registry = current_app.extensions[METRICS]
    body = generate_latest(registry.registry)
    if _token_ok():
        body += generate_latest(registry.business)
    return Response(body, mimetype=CONTENT_TYPE_LATEST)
