"""Errors as RFC 9457 problem details (`application/problem+json`), for every 4xx and 5xx."""

from __future__ import annotations

from typing import Any

from flask import Response, json

from api import i18n

PROBLEM_TYPE_BASE = "https://printline.dev/problems/"


class Problem(Exception):
    """Raise anywhere in a request to answer with a problem document. `detail` is the English text;
    where `api/locales` has a text for `code`, the caller's language is used, formatted with `values`."""

    def __init__(self, status: int, code: str, detail: str = "", *, errors: list[dict[str, str]] | None = None,
                 headers: dict[str, str] | None = None, values: dict[str, Any] | None = None,
                 text: str | None = None, **extra: Any) -> None:
        super().__init__(detail or code)
        self.status, self.code, self.detail, self.text = status, code, detail, text
        self.errors, self.headers, self.values, self.extra = errors, headers or {}, values or {}, extra


def problem_response(status: int, code: str, detail: str = "", *, errors: list[dict[str, str]] | None = None,
                     headers: dict[str, str] | None = None, values: dict[str, Any] | None = None,
                     text: str | None = None, **extra: Any) -> Response:
    """`text` names the catalogue's detail when one code has several (default: the code itself)."""
    lang = i18n.language()
    said = i18n.detail(text or code, detail or code, lang, **(values or {}))
    body: dict[str, Any] = {"type": PROBLEM_TYPE_BASE + code, "title": i18n.title(status, lang),
                            "status": status, "detail": said,
                            "code": code}
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        mimetype="application/problem+json")
    response.headers.update(headers or {})
    response.headers["Content-Language"] = lang
    response.vary.add("Accept-Language")
    return response


def from_problem(problem: Problem) -> Response:
    return problem_response(problem.status, problem.code, problem.detail, errors=problem.errors,
                            headers=problem.headers, values=problem.values, text=problem.text, **problem.extra)


def pydantic_errors(errors: list[dict[str, Any]], prefix: tuple = ()) -> list[dict[str, str]]:
    """pydantic's errors as `{field, message}` in the caller's language, fields as `items[0].quantity`."""
    return [{"field": i18n.field_path((*prefix, *e.get("loc", ()))) or "body", "message": i18n.field_message(e)}
            for e in errors]


def invalid_request(errors: list[dict[str, str]]) -> Problem:
    return Problem(422, "invalid-request", "; ".join(f"{e['field']}: {e['message']}" for e in errors),
                   errors=errors, values={"count": len(errors)})
