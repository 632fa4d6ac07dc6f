"""The OpenAPI document as the server behaves: one Problem schema (`application/problem+json`) for
every error, the errors each operation can answer documented, bodies required only where the model
has a required field, the raw/multipart upload body, the rate-limit headers; and the Swagger UI
served from the installed `swagger-ui-bundle` package, so /docs needs nothing from outside."""

from __future__ import annotations

import copy
from typing import Any

from apiflask import APIFlask
from flask import Blueprint

PROBLEM = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem document; `title`, `detail` and `errors[].message` are in the "
                   "language that `Accept-Language` asked for (en, de, fr, it, es, nl; else en).",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "format": "uri", "description": "https://printline.dev/problems/{code}"},
        "title": {"type": "string", "description": "The HTTP status in words."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "code": {"type": "string", "description": "A stable code for programs, e.g. `invalid-request`."},
        "errors": {"type": "array", "description": "One entry per field at fault.", "items": {
            "type": "object", "required": ["field", "message"],
            "properties": {"field": {"type": "string", "description": "e.g. `items[0].quantity`"},
                           "message": {"type": "string"}}}},
    },
    "additionalProperties": True,
}
ERRORS = {400: "Bad request: body not valid JSON, unknown query parameter, or an unreadable request",
          401: "No valid API key", 403: "The API key's role may not do this",
          404: "Not found (or another brand's)", 409: "Conflicts with the current state",
          413: "Payload too large", 415: "Unsupported media type", 422: "Invalid request: see `errors`",
          429: "Rate limit reached: see `Retry-After`", 503: "Not ready"}
RATE_HEADERS = {
    "RateLimit-Limit": "Requests allowed per key in the current one-minute window.",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the window resets.",
}
UPLOAD_BODY = {"required": True, "content": {
    "image/*": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "contentMediaType": "application/octet-stream",
                 "description": "The image file."}}}},
    "application/json": {"schema": {"type": "object", "required": ["url"], "additionalProperties": False,
                                    "properties": {"url": {"type": "string", "format": "uri", "maxLength": 2000,
                                                           "description": "An https URL of the image: fetched "
                                                           "in the background (202, state `fetching`)."}}}},
}}
METHODS = ("get", "put", "post", "delete", "patch")


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM: {"schema": dict(PROBLEM_REF)}},
            "headers": _rate_header_refs()}


def _rate_header_refs() -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in RATE_HEADERS}


def _required_body(schemas: dict[str, Any], body: dict[str, Any]) -> bool:
    for media in body.get("content", {}).values():
        ref = media.get("schema", {}).get("$ref", "")
        schema = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else media.get("schema", {})
        if schema.get("required"):
            return True
    return False


def _operation(op: dict[str, Any], schemas: dict[str, Any], path: str) -> None:
    responses = op.setdefault("responses", {})
    for status, response in list(responses.items()):
        if status[0] in "45":
            responses[status] = _problem_response(response.get("description") or ERRORS.get(int(status), "Error"))
        else:
            response.setdefault("headers", {}).update(_rate_header_refs())
    wanted: set[int] = set()
    if op.get("security"):
        wanted |= {401, 403, 429}
    if "{" in path:
        wanted.add(404)
    params = [p for p in op.get("parameters", []) if p.get("in") == "query"]
    if op.get("requestBody") or params:
        wanted |= {400, 422}
    for status in sorted(wanted):
        responses.setdefault(str(status), _problem_response(ERRORS[status]))
    body = op.get("requestBody")
    if body is not None:
        body["required"] = _required_body(schemas, body)
    for param in params:
        if param.get("schema", {}).get("type") == "array" or "array" in str(param.get("schema", {}).get("anyOf")):
            param.setdefault("style", "form")
            param.setdefault("explode", True)


def fix_spec(spec: dict[str, Any]) -> dict[str, Any]:
    spec = copy.deepcopy(spec)
    seen, tags = set(), []
    for tag in spec.get("tags", []):
        if tag["name"] not in seen:
            seen.add(tag["name"])
            tags.append(tag)
    spec["tags"] = tags
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPError", "ValidationError"):
        schemas.pop(name, None)
    schemas["Problem"] = PROBLEM_SCHEMA
    components["headers"] = {name: {"description": text, "schema": {"type": "integer", "minimum": 0}}
                             for name, text in RATE_HEADERS.items()}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                _operation(item[method], schemas, path)
    upload = spec.get("paths", {}).get("/v1/uploads", {}).get("post")
    if upload is not None:
        upload["requestBody"] = copy.deepcopy(UPLOAD_BODY)
        upload["responses"].setdefault("413", _problem_response(ERRORS[413]))
        upload["responses"].setdefault("415", _problem_response(ERRORS[415]))
        upload["responses"].setdefault("400", _problem_response(ERRORS[400]))
        upload["responses"].setdefault("503", _problem_response("Too many URL uploads being fetched; try again"))
    return spec


def swagger_ui_blueprint() -> Blueprint:
    """The Swagger UI's files from the pinned `swagger-ui-bundle-v2` distribution, at /docs-assets/."""
    from swagger_ui_bundle import swagger_ui_path

    return Blueprint("docs_assets", __name__, static_folder=str(swagger_ui_path), static_url_path="/docs-assets")


def install(app: APIFlask) -> None:
    app.config.update(SWAGGER_UI_CSS="/docs-assets/swagger-ui.css",
                      SWAGGER_UI_BUNDLE_JS="/docs-assets/swagger-ui-bundle.js",
                      SWAGGER_UI_STANDALONE_PRESET_JS="/docs-assets/swagger-ui-standalone-preset.js",
                      DOCS_FAVICON="/docs-assets/favicon-32x32.png")
    app.register_blueprint(swagger_ui_blueprint())
    app.spec_processor(fix_spec)
