"""`api.problems`: errors as RFC 9457 problem documents — type, title, status, detail and code, the
detail in the caller's language from the catalogue (English otherwise), field errors as `items[0].x`,
headers kept. (Their texts in six languages: test_i18n.py.)"""

from __future__ import annotations

import json

import pytest
from flask import Flask
from pydantic import BaseModel, Field, ValidationError

from api.problems import PROBLEM_TYPE_BASE, Problem, from_problem, invalid_request, problem_response, pydantic_errors


@pytest.fixture
def flask_app():
    return Flask("problems-test")


def test_a_problem_document_has_the_rfc_members_and_the_callers_language(flask_app):
    with flask_app.test_request_context(headers={"Accept-Language": "de"}):
        response = problem_response(404, "upload-not-found", "No upload 'u1' for this brand.", values={"id": "'u1'"},
                                    headers={"Retry-After": "3"}, state="gone")
    body = json.loads(response.get_data())
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert body == {"type": PROBLEM_TYPE_BASE + "upload-not-found", "title": "Nicht gefunden", "status": 404,
                    "detail": "Kein Upload 'u1' für diese Marke.", "code": "upload-not-found", "state": "gone"}
    assert response.headers["Content-Language"] == "de" and response.headers["Retry-After"] == "3"
    assert "Accept-Language" in response.headers["Vary"]


def test_a_code_without_a_text_keeps_its_english_detail(flask_app):
    with flask_app.test_request_context(headers={"Accept-Language": "fr"}):
        body = json.loads(from_problem(Problem(409, "made-up-code", "Something specific.")).get_data())
    assert body["detail"] == "Something specific." and body["title"] != "Conflict"  # the title is French


def test_field_errors_name_their_path_and_make_one_invalid_request():
    class Line(BaseModel):
        quantity: int = Field(ge=1)

    class Order(BaseModel):
        items: list[Line]

    with pytest.raises(ValidationError) as invalid:
        Order.model_validate({"items": [{"quantity": 1}, {"quantity": 0}]})
    errors = pydantic_errors(invalid.value.errors(include_url=False))
    assert errors == [{"field": "items[1].quantity", "message": "Must be at least 1."}]
    assert pydantic_errors(invalid.value.errors(), prefix=("body",))[0]["field"] == "body.items[1].quantity"
    problem = invalid_request(errors)
    assert (problem.status, problem.code, problem.errors, problem.values) == (422, "invalid-request", errors,
                                                                              {"count": 1})
    assert problem.detail == "items[1].quantity: Must be at least 1."


def _literal_keys() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(detail keys, pydantic error types) the API's code names, with where: every literal code or
    `text=` of a Problem / problem_response, every `(status, code, detail)` a guard returns, every
    PydanticCustomError type in api/ and vocab/."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    details, types = set(), set()
    for path in [*sorted((root / "api").rglob("*.py")), *sorted((root / "vocab").rglob("*.py"))]:
        where = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                literal = [a.value for a in node.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                texts = [branch.value for k in node.keywords if k.arg == "text"
                         for branch in ((k.value.body, k.value.orelse) if isinstance(k.value, ast.IfExp) else (k.value,))
                         if isinstance(branch, ast.Constant)]  # text="a" or text="a" if ... else "b"
                chosen = any(k.arg == "text" for k in node.keywords)  # the text, not the code, is looked up
                if name in ("Problem", "problem_response"):
                    details |= {(key, where) for key in (texts if chosen else literal[:1])}
                elif name == "PydanticCustomError" and literal:
                    types.add((literal[0], where))
            elif (isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 3
                  and isinstance(node.value.elts[0], ast.Constant) and isinstance(node.value.elts[0].value, int)
                  and isinstance(node.value.elts[1], ast.Constant)):
                details.add((node.value.elts[1].value, where))
    return details, types


def test_every_problem_and_field_refusal_of_the_api_has_its_text_in_six_languages():
    """A detail the catalogue lacks reaches a German shop in English: each code the code names (read
    from the code, so a new one cannot be forgotten) has a text in every language."""
    from api import i18n

    details, types = _literal_keys()
    assert len(details) >= 40 and len(types) >= 5
    missing = [f"{where}: detail {key} ({lang})" for key, where in sorted(details) for lang in i18n.LANGUAGES
               if key not in i18n.catalogue(lang).get("detail", {})]
    missing += [f"{where}: error {key} ({lang})" for key, where in sorted(types) for lang in i18n.LANGUAGES
                if key not in i18n.catalogue(lang).get("error", {})]
    assert not missing, "\n".join(missing)
