"""Input guards and outage answers, installed by `create_app` with one call (`guards.install(app)`).

Kept apart from the problem/i18n handlers in `api/app.py` (another person's rewrite): each guard here
only *adds* a `before_request` check, a JSON provider or a handler for an exception class nobody else
handles, and answers through `api.problems.problem_response` like the rest of the API.

Why each one exists (each of these answered 500 before):
- **NUL bytes** in a path part, a query argument or a header (`/v1/jobs/%00`): PostgreSQL refuses NUL in
  text (psycopg `DataError`), SQLite stores it and logs break on it. 400 before any view runs.
- **NUL in JSON strings** (`{"external_id": "MP\\u0000"}`): the same, after parsing; 400.
- **Deep JSON** (`[[[[...` 50,000 deep): the stdlib parser recurses and raises `RecursionError`. The
  depth is measured before parsing with one regex pass over the text (~6 ms for a 100 kB body) and
  anything deeper than 64 is refused with 400; our deepest schema nests 5.
- **Odd path parts**: invalid UTF-8 percent-escapes (werkzeug turns them into U+FFFD), control
  characters and path parts longer than 512 characters: 404 (no such resource can exist), not 500.
- **Outages**: a storage or database fault in a view is 503 with `Retry-After` (the client may try
  again), not 500 (our bug). Conflicts and bad keys stay bugs.
"""

from __future__ import annotations

import re
from typing import Any

import structlog
from flask import Flask, Request, request
from flask.json.provider import DefaultJSONProvider
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from api.problems import problem_response
from storage.base import ConflictError, InvalidKeyError, StorageError

log = structlog.get_logger("printline.api")

MAX_JSON_DEPTH = 64
MAX_PATH_PART = 512
RETRY_AFTER_SECONDS = 5
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_CONTROL = re.compile("[\x00-\x1f\x7f\ufffd]")
_JSON_NUL = re.compile(rb'(?<!\\)(?:\\\\)*\\u0000|\x00')  # an unescaped \u0000, or a raw NUL byte
JSON_SCAN_BYTES = 1024 * 1024  # JSON bodies are a few kB; uploads (images) are not JSON


class JsonRefused(ValueError):
    """A JSON body we will not parse or keep (Flask answers a ValueError from `loads` with 400)."""


def json_depth(data: bytes | str, limit: int = MAX_JSON_DEPTH) -> int:
    """The nesting depth of a JSON text, stopping once it passes `limit` (strings are skipped whole,
    so brackets inside them do not count)."""
    raw = data.encode() if isinstance(data, str) else data
    depth = deepest = 0
    for match in _TOKENS.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with a depth limit before parsing and no NUL in what it returns."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if json_depth(s) > MAX_JSON_DEPTH:
            raise JsonRefused(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        value = super().loads(s, **kwargs)
        if _has_nul(value):
            raise JsonRefused("JSON strings must not contain NUL (\\u0000)")
        return value


def _odd_request(req: Request) -> tuple[int, str, str] | None:
    """(status, code, reason) for a request no view should see, None for a fine one."""
    if "\x00" in req.path or any("\x00" in k or "\x00" in v for k, v in req.args.items(multi=True)):
        return 400, "nul-byte", "NUL bytes are not allowed in paths or query arguments."
    if any("\x00" in value for value in req.headers.values()):
        return 400, "nul-byte", "NUL bytes are not allowed in headers."
    if _CONTROL.search(req.path) or any(len(part) > MAX_PATH_PART for part in req.path.split("/")):
        return 404, "not-found", "No such resource (control characters, invalid UTF-8 or an over-long path part)."
    if req.is_json and (req.content_length or 0) <= JSON_SCAN_BYTES:
        raw = req.get_data(cache=True)
        if json_depth(raw) > MAX_JSON_DEPTH:
            return 400, "json-too-deep", f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels."
        if _JSON_NUL.search(raw):
            return 400, "nul-byte", "JSON strings must not contain NUL (\\u0000)."
    return None


def _outage(exc: Exception, part: str):
    log.warning("outage_answered_503", part=part, error=type(exc).__name__)
    return problem_response(503, "unavailable", f"The {part} is not answering right now; try again shortly.",
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                            text="unavailable-storage" if part == "file storage" else "unavailable-database")


def install(app: Flask) -> None:
    """Add the guards to `app` (keeps the provider's settings, e.g. ensure_ascii)."""
    old = app.json
    app.json = provider = GuardedJSONProvider(app)
    for name in ("ensure_ascii", "sort_keys", "compact", "mimetype"):
        if hasattr(old, name):
            setattr(provider, name, getattr(old, name))

    @app.before_request
    def _guard():
        odd = _odd_request(request)
        if odd is not None:
            return problem_response(*odd, values={"depth": MAX_JSON_DEPTH})
        return None

    @app.errorhandler(StorageError)
    def _storage(exc: StorageError):
        if isinstance(exc, (ConflictError, InvalidKeyError)):
            raise exc  # a bug, not an outage: the generic handler answers 500 and logs it
        return _outage(exc, "file storage")

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def _database(exc: Exception):
        return _outage(exc, "database")

    @app.errorhandler(DBAPIError)
    def _dbapi(exc: DBAPIError):
        if exc.connection_invalidated:
            return _outage(exc, "database")
        raise exc
