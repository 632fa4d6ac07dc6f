"""`api.errors`: every answer names its request id, and every error is a problem document: HTTP errors
(unknown route, wrong method), the lifecycle's refusals (404, 409), `Problem`s raised anywhere, and
anything unexpected as a 500 that names the request id and nothing of the server."""

from __future__ import annotations

import pytest
from apiflask import APIFlask

from api import errors
from api.problems import Problem
from orders.lifecycle import ActionRefused, NotFound
from orders.states import IllegalTransition, JobState


@pytest.fixture
def bare():
    """An app with nothing but the error hooks, and routes that raise what the handlers turn into answers."""
    app = APIFlask("errors-test")
    errors.install(app)

    @app.get("/ok")
    def ok():
        return {"ok": True}

    @app.get("/missing")
    def missing():
        raise NotFound("job-not-found", "No job 'job_x' for this brand.")

    @app.get("/refused")
    def refused():
        raise ActionRefused("cancelled", "Item itm_1 is cancelled.", state="cancelled", item="itm_1")

    @app.get("/illegal")
    def illegal():
        raise IllegalTransition(JobState.queued, JobState.shipped)

    @app.get("/problem")
    def problem():
        raise Problem(409, "busy", "Busy; try later.", headers={"Retry-After": "7"}, state="busy")

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret connection string postgres://u:pw@db")

    return app.test_client()


def test_unknown_route_is_a_problem(client):
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"


def test_the_request_id_is_echoed_or_made(bare):
    assert bare.get("/ok", headers={"X-Request-Id": "req-42"}).headers["X-Request-Id"] == "req-42"
    made = {bare.get("/ok").headers["X-Request-Id"] for _ in range(2)}
    assert len(made) == 2 and all(len(r) == 32 for r in made)


def test_a_wrong_method_is_405_with_allow(bare):
    response = bare.delete("/ok")
    assert response.status_code == 405 and response.get_json()["code"] == "method-not-allowed"
    assert "GET" in response.headers["Allow"]


def test_the_lifecycles_refusals_are_404_and_409(bare):
    missing = bare.get("/missing")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert missing.get_json()["code"] == "job-not-found" and "job_x" in missing.get_json()["detail"]
    refused = bare.get("/refused", headers={"Accept-Language": "de"})
    body = refused.get_json()
    assert refused.status_code == 409 and (body["code"], body["state"]) == ("cancelled", "cancelled")
    assert body["detail"] == "Position itm_1 ist storniert."  # the catalogue's text with the refusal's values
    illegal = bare.get("/illegal").get_json()
    assert (illegal["status"], illegal["code"], illegal["state"]) == (409, "illegal-transition", "queued")
    assert "cannot go from queued to shipped" in illegal["detail"]


def test_a_problem_keeps_its_headers_and_members(bare):
    response = bare.get("/problem")
    assert response.status_code == 409 and response.headers["Retry-After"] == "7"
    assert response.get_json()["state"] == "busy" and response.get_json()["type"].endswith("/busy")


def test_anything_unexpected_is_a_500_naming_only_the_request_id(bare):
    response = bare.get("/boom", headers={"X-Request-Id": "req-boom"})
    body = response.get_json()
    assert response.status_code == 500 and body["code"] == "internal-error"
    assert "req-boom" in body["detail"] and "postgres" not in response.get_data(as_text=True)
    assert response.headers["X-Request-Id"] == "req-boom"


def test_validation_errors_name_each_field(client, keys):
    body = {"market": "DE", "currency": "EUR", "shipping_country": "DE", "items": [{"product": "", "quantity": 0}]}
    problem = client.post("/v1/quotes", json=body, headers=keys["myposter", "shop"]).get_json()
    assert problem["status"] == 422 and problem["code"] == "invalid-request"
    assert {e["field"] for e in problem["errors"]} == {"items[0].product", "items[0].quantity"}


def test_an_illegal_transition_says_whether_the_role_or_the_state_refused():
    import json

    from flask import Flask

    from api.errors import illegal_transition
    from orders.states import IllegalTransition, JobState

    with Flask("illegal").test_request_context(headers={"Accept-Language": "de"}):
        by_role = json.loads(illegal_transition(
            IllegalTransition(JobState.rendered, JobState.approved, "approve", "shop")).get_data())
        by_state = json.loads(illegal_transition(IllegalTransition(JobState.queued, JobState.shipped)).get_data())
    assert by_role["detail"] == "Die Rolle shop darf das nicht (approve)."
    assert by_state["detail"].startswith("Der Auftrag kann nicht von queued zu shipped wechseln (erlaubt: ")
    assert by_role["code"] == by_state["code"] == "illegal-transition"
