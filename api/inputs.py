"""How request bodies and query strings become pydantic models (APIFlask's pydantic adapter, with
the API's own rules), registered for every `@bp.input(...)` by `api/__init__.py`:

- JSON bodies: an empty or omitted body is `{}`, so a model without required fields (an optional
  reason) takes `POST .../approve` with no body at all; malformed JSON is a 400 that says what and
  where (line, column); nothing but JSON objects/arrays/values is guessed.
- Query strings: a list field takes a repeated parameter (`state=a&state=b`); a parameter the model
  does not know is a 400, so a typo never silently lists everything.
- Validation errors: 422 with one `{field, message}` per problem, fields as `items[0].quantity`,
  messages in the caller's language (`api.i18n`).
"""

from __future__ import annotations

import json
import types
import typing
from typing import Any

from apiflask.schema_adapters.pydantic import PydanticAdapter
from flask import Request
from pydantic import BaseModel, ValidationError

from api import i18n
from api.problems import Problem, invalid_request, pydantic_errors


def _is_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_is_list(arg) for arg in typing.get_args(annotation))
    return False


def json_body(request: Request) -> Any:
    """The parsed JSON body; {} when there is none; a 400 problem when it is not JSON."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Problem(400, "invalid-encoding", "The body is not valid UTF-8 JSON.",
                      errors=[{"field": "body", "message": f"byte {exc.start}: not UTF-8"}]) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = {"line": exc.lineno, "column": exc.colno}
        raise Problem(400, "invalid-json", f"The body is not valid JSON: {exc.msg} at line {exc.lineno}, "
                      f"column {exc.colno}.", values={"reason": exc.msg, **where},
                      errors=[{"field": "body", "message": f"{exc.msg} (line {exc.lineno}, column {exc.colno})"}],
                      **where) from exc


def query_data(model: type[BaseModel], request: Request) -> dict[str, Any]:
    """The query string as the model's input: repeated parameters for list fields, unknown ones refused."""
    names: dict[str, str] = {}
    for name, info in model.model_fields.items():
        names[info.alias or name] = name
    unknown = [key for key in request.args if key not in names]
    if unknown:
        listed = ", ".join(sorted(unknown))
        raise Problem(400, "unknown-parameter", f"Unknown query parameter(s): {listed}.", values={"names": listed},
                      errors=[{"field": key, "message": i18n.text("error", "unknown_parameter")}
                              for key in sorted(unknown)])
    data: dict[str, Any] = {}
    for key in request.args:
        values = request.args.getlist(key)
        single = len(values) == 1 and not _is_list(model.model_fields[names[key]].annotation)
        data[key] = values[0] if single else values  # a repeated single-valued parameter is refused
    return data


class ApiPydanticAdapter(PydanticAdapter):
    """APIFlask's adapter with the rules above."""

    def validate_input(self, request: Request, location: str, **kwargs: Any) -> BaseModel:
        if location == "json":
            data = json_body(request)
        elif location in ("query", "querystring"):
            data = query_data(self.model_class, request)
        else:
            return super().validate_input(request, location, **kwargs)
        try:
            return self.model_class.model_validate(data)
        except ValidationError as exc:
            raise invalid_request(pydantic_errors(exc.errors(include_url=False))) from exc


def install() -> None:
    """Make every pydantic `@input` use ApiPydanticAdapter (call before the blueprints are imported)."""
    from apiflask.schema_adapters.registry import registry

    registry.register("pydantic", ApiPydanticAdapter)
