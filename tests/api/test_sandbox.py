"""Sandbox keys: their orders render like any other but never enter production, and say so."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from api.keys import create_key
from records.models import FeedEvent
from records.outbox import event_object
from tests.api.test_jobs import _render
from tests.conftest import order_body
from tests.sheetcards import card_order, render_with


@pytest.fixture
def sandbox(services) -> dict[str, dict[str, str]]:
    out = {}
    for brand, role in (("myposter", "shop"), ("kartenliebe", "shop"), ("myposter", "production")):
        secret = create_key(services.sessions, brand=brand, role=role, at=datetime.now(UTC), sandbox=True)
        out[brand, role] = {"Authorization": f"Bearer {secret}"}
    return out


def _order(client, headers, photo, external_id: str) -> dict:
    upload = client.post("/v1/uploads", data=photo.read_bytes(), headers={**headers, "Content-Type": "image/jpeg"})
    response = client.post("/v1/orders", json=order_body(upload.get_json()["id"], external_id=external_id),
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_sandbox_order_renders_but_stays_out_of_production(client, keys, sandbox, photo, services):
    test = _order(client, sandbox["myposter", "shop"], photo, "SBX-1")
    real = _order(client, keys["myposter", "shop"], photo, "MP-1")
    assert test["sandbox"] is True and real["sandbox"] is False
    test_job, real_job = test["items"][0]["job_id"], real["items"][0]["job_id"]
    claim = services.lifecycle.claim_render(test_job)
    assert claim.sandbox is True  # the worker builds its print file with PrintMeta(sandbox=True)
    services.lifecycle.fail_render(test_job, "internal-error", "again", retryable=True, attempt=claim.attempt)
    for job_id in (test_job, real_job):
        _render(services, job_id, verdict="ok")
    production = keys["myposter", "production"]
    listed = client.get("/v1/jobs?state=approved", headers=production).get_json()["jobs"]
    assert [j["id"] for j in listed] == [real_job]
    own = client.get("/v1/jobs?state=approved", headers=sandbox["myposter", "production"]).get_json()["jobs"]
    assert [(j["id"], j["sandbox"]) for j in own] == [(test_job, True)]
    assert client.get(f"/v1/jobs/{test_job}", headers=production).get_json()["sandbox"] is True

    refused = client.post(f"/v1/jobs/{test_job}/printed", json={}, headers=production)
    assert refused.status_code == 409 and refused.get_json()["code"] == "sandbox"
    assert "sandbox" in refused.get_json()["detail"]
    german = client.post(f"/v1/jobs/{test_job}/printed", json={}, headers={**production, "Accept-Language": "de"})
    assert german.get_json()["code"] == "sandbox" and "Sandbox-Bestellung" in german.get_json()["detail"]
    bulk = client.post("/v1/production/bulk", json={"action": "mark_printed", "jobs": [{"id": test_job}]},
                       headers=production).get_json()
    assert bulk["results"][0]["code"] == "sandbox" and bulk["results"][0]["state"] == "approved"
    assert client.post(f"/v1/jobs/{real_job}/printed", json={}, headers=production).status_code == 200


def test_sandbox_events_say_sandbox(client, keys, sandbox, photo, services):
    test = _order(client, sandbox["myposter", "shop"], photo, "SBX-2")
    _order(client, keys["myposter", "shop"], photo, "MP-2")
    _render(services, test["items"][0]["job_id"], verdict="ok")
    feed = client.get("/v1/events", headers=keys["myposter", "shop"]).get_json()["events"]
    mine = [e for e in feed if e["data"].get("order_id") == test["id"]]
    others = [e for e in feed if e["data"].get("order_id") != test["id"]]
    assert mine and all(e["sandbox"] is True for e in mine)
    assert {e["type"] for e in mine} >= {"order.created", "job.state_changed"}
    assert others and all(e["sandbox"] is False for e in others)
    with services.sessions() as session:  # the webhook body (queues.relay builds it from event_object)
        bodies = [event_object(e) for e in session.scalars(select(FeedEvent).order_by(FeedEvent.seq))]
    assert all(b["sandbox"] is True for b in bodies if b["data"].get("order_id") == test["id"])
    assert all("sandbox" not in b for b in bodies if b["data"].get("order_id") != test["id"])


def test_sandbox_card_jobs_never_go_on_a_sheet(client, keys, sandbox, photo, services, tmp_path):
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%stand-in\n")
    job = card_order(client, {("kartenliebe", "shop"): sandbox["kartenliebe", "shop"]}, photo)["items"][0]["job_id"]
    render_with(services, job, pdf)
    prod = keys["kartenliebe", "production"]
    auto = client.post("/v1/sheets", json={"printer": "card-digital"}, headers=prod)
    assert auto.status_code == 409 and auto.get_json()["code"] == "nothing-to-impose"
    named = client.post("/v1/sheets", json={"job_ids": [job]}, headers=prod)
    assert named.status_code == 422 and named.get_json()["code"] == "sandbox"


def test_keys_create_sandbox_on_the_command_line(tmp_path):
    import json
    import os
    import subprocess
    import sys

    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PRINTLINE_")},
           "PRINTLINE_VAR_DIR": str(tmp_path / "var")}
    cli = [sys.executable, "-m", "printline.cli"]
    made = subprocess.run([*cli, "keys", "create", "--brand", "myposter", "--role", "shop", "--sandbox"], env=env,
                          check=True, capture_output=True, text=True)
    assert made.stdout.startswith("sandbox API key")
    listed = json.loads(subprocess.run([*cli, "keys", "list", "--json"], env=env, check=True, capture_output=True,
                                       text=True).stdout)
    assert [k["sandbox"] for k in listed] == [True]


def test_domain_refusals_speak_the_callers_language(client, keys, photo):
    """Pricing's refusals (by code) and the lifecycle's (by code, with values) come from the catalogues."""
    shop = {**keys["myposter", "shop"], "Accept-Language": "fr"}
    upload = client.post("/v1/uploads", data=photo.read_bytes(), headers={**shop, "Content-Type": "image/jpeg"})
    body = order_body(upload.get_json()["id"], currency="CHF")
    error = client.post("/v1/orders", json=body, headers=shop).get_json()["errors"][0]
    assert error["field"] == "currency" and error["message"].startswith("Le marché DE est facturé en EUR")
    english = client.post("/v1/orders", json=body, headers=keys["myposter", "shop"]).get_json()["errors"][0]
    assert english["message"] == "Market DE is priced in EUR, not CHF; send currency EUR."
