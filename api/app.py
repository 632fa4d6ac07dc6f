"""The Flask application factory (APIFlask: routes validated by the same pydantic models that
generate the OpenAPI 3.1 document served at /openapi.json, with docs at /docs)."""

from __future__ import annotations

import uuid

import structlog
from apiflask import APIFlask
from apiflask.exceptions import HTTPError
from flask import g, request
from werkzeug.exceptions import HTTPException

from api import (
    contract,
    events,
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
from api.problems import Problem, from_problem, invalid_request, problem_response
from orders.lifecycle import ActionRefused, NotFound
from orders.states import IllegalTransition

log = structlog.get_logger("printline.api")

CODES = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
         409: "conflict", 413: "upload-too-large", 415: "unsupported-media-type", 422: "invalid-request",
         429: "rate-limited"}


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

    @app.before_request
    def _request_id() -> None:
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        structlog.contextvars.bind_contextvars(request_id=g.request_id)

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if g.get("rate") is not None:
            response.headers.update(g.rate.headers())
        structlog.contextvars.clear_contextvars()
        return response

    @app.error_processor
    def _http_error(error: HTTPError):
        if error.status_code == 422 or (error.status_code == 400 and error.detail):
            errors = [{"field": field, "message": str(message)} for fields in (error.detail or {}).values()
                      if isinstance(fields, dict) for field, messages in fields.items()
                      for message in (messages if isinstance(messages, list) else [messages])]
            return from_problem(invalid_request(errors))
        return problem_response(error.status_code, CODES.get(error.status_code, "error"),
                                error.message or "Error", headers=dict(error.headers or {}))

    @app.errorhandler(Problem)
    def _problem(problem: Problem):
        return from_problem(problem)

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound):
        return problem_response(404, exc.code, exc.message)

    @app.errorhandler(ActionRefused)
    def _refused(exc: ActionRefused):
        extra = {"state": exc.state} if exc.state else {}
        return problem_response(409, exc.code, exc.message, **extra)

    @app.errorhandler(IllegalTransition)
    def _illegal(exc: IllegalTransition):
        return problem_response(409, "illegal-transition", str(exc), state=exc.current.value)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            response = problem_response(exc.code or 500, CODES.get(exc.code or 500, "error"), exc.description or "")
            if exc.code == 405 and exc.response is None:
                response.headers["Allow"] = ", ".join(getattr(exc, "valid_methods", None) or [])
            return response
        log.exception("unhandled_error")
        request_id = g.get("request_id", "")
        return problem_response(500, "internal-error", "Something went wrong on our side; the request id "
                                f"{request_id} helps us find it.", values={"request_id": request_id})

    return app
