"""`api.inputs`: how bodies and query strings become models — an empty body is `{}`, malformed JSON and
bad UTF-8 are 400s that say where, a list field takes a repeated parameter, an unknown parameter is a
400 — on their own and at the API."""

from __future__ import annotations

import pytest
from flask import Flask, request
from pydantic import BaseModel, Field

from api.inputs import json_body, query_data
from api.problems import Problem


class Filters(BaseModel):
    state: list[str] | None = None
    printer: str | None = None
    created_after: str | None = Field(None, alias="since")


@pytest.fixture
def flask_app():
    return Flask("inputs-test")


def _body(flask_app, data: bytes):
    with flask_app.test_request_context("/", method="POST", data=data, content_type="application/json"):
        return json_body(request)


def _query(flask_app, query: str):
    with flask_app.test_request_context("/?" + query):
        return query_data(Filters, request)


def test_an_empty_body_is_an_empty_object(flask_app):
    assert _body(flask_app, b"") == {} and _body(flask_app, b" \n\t") == {}
    assert _body(flask_app, '\ufeff{"a": [1, "ü"]}'.encode()) == {"a": [1, "ü"]}  # a BOM is allowed
    assert _body(flask_app, b"[1, 2]") == [1, 2] and _body(flask_app, b"7") == 7


def test_bad_utf8_and_bad_json_say_where(flask_app):
    with pytest.raises(Problem) as encoding:
        _body(flask_app, b'{"a": "\xff"}')
    assert (encoding.value.status, encoding.value.code) == (400, "invalid-encoding")
    assert encoding.value.errors == [{"field": "body", "message": "byte 7: not UTF-8"}]
    with pytest.raises(Problem) as syntax:
        _body(flask_app, b'{\n  "a": 1,\n}')
    problem = syntax.value
    assert (problem.status, problem.code) == (400, "invalid-json")
    assert (problem.extra["line"], problem.extra["column"]) == (3, 1) and problem.values["line"] == 3


def test_list_fields_take_repeated_parameters_and_single_ones_stay_single(flask_app):
    assert _query(flask_app, "state=a&state=b&printer=p") == {"state": ["a", "b"], "printer": "p"}
    assert _query(flask_app, "state=a") == {"state": ["a"]}
    assert _query(flask_app, "printer=a&printer=b") == {"printer": ["a", "b"]}  # the model refuses it
    assert _query(flask_app, "since=2026-01-01T00:00:00Z") == {"since": "2026-01-01T00:00:00Z"}


def test_unknown_parameters_are_refused_each_by_name(flask_app):
    with pytest.raises(Problem) as unknown:
        _query(flask_app, "stat=a&zebra=1&printer=p&created_after=x")
    problem = unknown.value
    assert (problem.status, problem.code) == (400, "unknown-parameter")
    assert [e["field"] for e in problem.errors] == ["created_after", "stat", "zebra"]  # the alias is the name


def test_malformed_json_is_a_400_that_says_where(client, keys):
    response = client.post("/v1/quotes", data='{\n  "market": "DE",\n  oops\n}',
                           headers={**keys["myposter", "shop"], "Content-Type": "application/json"})
    problem = response.get_json()
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert problem["code"] == "invalid-json" and (problem["line"], problem["column"]) == (3, 3)
    assert "line 3, column 3" in problem["detail"]


def test_an_omitted_optional_body_is_no_body_error(client, keys):
    headers = keys["myposter", "qa"]
    for data in (None, b"", b"  "):
        response = client.post("/v1/jobs/job_nope/approve", data=data, headers=headers)
        assert response.status_code == 404 and response.get_json()["code"] == "job-not-found"
    reject = client.post("/v1/jobs/job_nope/reject", headers=headers)  # `reason` is required there
    assert reject.status_code == 422 and reject.get_json()["errors"] == [{"field": "reason", "message": "Required."}]


def test_unknown_and_repeated_query_parameters(client, keys):
    headers = keys["myposter", "production"]
    unknown = client.get("/v1/jobs?stat=approved", headers=headers)
    assert unknown.status_code == 400 and unknown.get_json()["errors"][0]["field"] == "stat"
    assert client.get("/v1/jobs?state=approved&state=printed", headers=headers).status_code == 200
    assert client.get("/v1/jobs?printer=a&printer=b", headers=headers).status_code == 422
    assert client.get("/v1/jobs?created_after=1700000000", headers=headers).status_code == 422
