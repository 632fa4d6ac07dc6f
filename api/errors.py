"""Every answer's request id and rate-limit headers, and every error as a problem document: APIFlask's
own errors, the lifecycle's refusals (404, 409), HTTP errors, and anything unexpected as a 500 that names
the request id and nothing of the server."""

from __future__ import annotations

import uuid

import structlog
from apiflask import APIFlask
from apiflask.exceptions import HTTPError
from flask import g, request
from werkzeug.exceptions import HTTPException

from api.problems import Problem, from_problem, invalid_request, problem_response
from orders.lifecycle import ActionRefused, NotFound
from orders.states import TRANSITIONS, IllegalTransition

log = structlog.get_logger("printline.api")

CODES = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
         409: "conflict", 413: "upload-too-large", 415: "unsupported-media-type", 422: "invalid-request",
         429: "rate-limited"}


def illegal_transition(exc: IllegalTransition):
    """409 in the caller's language: a role that may not take the action, or a state it cannot leave so."""
    if exc.by_role:
        values = {"role": exc.role, "action": exc.action}
    else:
        allowed = ", ".join(sorted(TRANSITIONS[exc.current])) or "-"
        values = {"state": exc.current.value, "wanted": exc.wanted.value, "allowed": allowed}
    return problem_response(409, "illegal-transition", str(exc), values=values, state=exc.current.value,
                            text="illegal-transition-role" if exc.by_role else "illegal-transition")


def install(app: APIFlask) -> None:
    """Register the hooks and handlers on `app`."""
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
        values = {"state": exc.state, **getattr(exc, "values", {})}
        return problem_response(409, exc.code, exc.message, values=values, **extra)
    
    @app.errorhandler(IllegalTransition)
    def _illegal(exc: IllegalTransition):
        return illegal_transition(exc)
    
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
