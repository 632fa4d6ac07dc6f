"""The Flask application factory (APIFlask: routes validated by the same pydantic models that
generate the OpenAPI 3.1 document served at /openapi.json, with docs at /docs)."""

from __future__ import annotations

from apiflask import APIFlask

from api import (
    contract,
    errors,
    events,
    guards,
    health,
    jobs,
    orders,
    pages,
    production,
    products,
    proof,
    quotes,
    sheets,
    uploads,
    webhooks,
)
from api.context import EXTENSION, METRICS, ApiServices
from api.metrics import ApiMetrics


def create_app(services: ApiServices) -> APIFlask:
    """An API app bound to `services` (settings, DB, storage, queue...), nothing global."""
    app = APIFlask("printline", title="Printline API", version="1", docs_path="/docs", spec_path="/openapi.json")
    app.config.update(
        OPENAPI_VERSION="3.1.0",
        MAX_CONTENT_LENGTH=services.settings.max_upload_bytes,
        VALIDATION_ERROR_STATUS_CODE=422,
        AUTH_ERROR_STATUS_CODE=401,
        INFO={"description": "Turns a customer's photo into a print file a press can print without a second "
                             "look. Errors are RFC 9457 problem documents (application/problem+json)."},
        SYNC_LOCAL_SPEC=False,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False
    guards.install(app)  # NUL bytes, JSON depth, odd paths -> 4xx; storage/DB outages -> 503 (api/guards.py)
    app.extensions[EXTENSION] = services
    metrics = ApiMetrics()
    metrics.watch_jobs(services.sessions)
    metrics.instrument(app)
    app.extensions[METRICS] = metrics
    for module in (health, uploads, orders, quotes, products, jobs, webhooks, events, pages):
        app.register_blueprint(module.bp)
    contract.install(app)
    for module in (production, proof):  # the people's pages: bulk steps, ZIP, who am I, zoom tiles
        app.register_blueprint(module.bp)
    app.register_blueprint(sheets.bp)  # press sheets (gang sheets of cards)

    errors.install(app)
    return app
