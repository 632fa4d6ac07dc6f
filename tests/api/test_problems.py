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
