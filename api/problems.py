"""Errors as RFC 9457 problem details (`application/problem+json`), for every 4xx and 5xx."""

from __future__ import annotations

from typing import Any

from flask import Response, json

PROBLEM_TYPE_BASE = "https://printline.dev/problems/"
HTTP_TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
               405: "Method not allowed", 409: "Conflict", 413: "Payload too large",
               415: "Unsupported media type", 422: "Unprocessable content", 429: "Too many requests",
               500: "Internal server error", 503: "Service unavailable"}


class Problem(Exception):
    """Raise anywhere in a request to answer with a problem document."""

    def __init__(self, status: int, code: str, detail: str, *, errors: list[dict[str, str]] | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.errors, self.headers, self.extra = errors, headers or {}, extra


def problem_response(status: int, code: str, detail: str, *, errors: list[dict[str, str]] | None = None,
                     headers: dict[str, str] | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {"type": PROBLEM_TYPE_BASE + code, "title": HTTP_TITLES.get(status, "Error"),
                            "status": status, "detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        mimetype="application/problem+json")
    response.headers.update(headers or {})
    return response


def from_problem(problem: Problem) -> Response:
    return problem_response(problem.status, problem.code, problem.detail, errors=problem.errors,
                            headers=problem.headers, **problem.extra)


def validation_errors(detail: dict[str, Any]) -> list[dict[str, str]]:
    """APIFlask's `{location: {field: [messages]}}` as a flat list of `{field, message}`."""
    errors = []
    for location, fields in (detail or {}).items():
        if isinstance(fields, dict):
            for field, messages in fields.items():
                for message in messages if isinstance(messages, list) else [messages]:
                    errors.append({"location": location, "field": field, "message": str(message)})
    return errors
