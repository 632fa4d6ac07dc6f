"""Press sheets through the API: ask, build (the sheet task in-process), download, print; the one-active-
sheet rule, the jobs refused, roles and brands. On SQLite and PostgreSQL (the `database_url` fixture)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from records.models import Event, FeedEvent, OutboxMessage
from queues.sheet_job import Outcome, run_sheet_job
from tests.conftest import order_body
from tests.sheetcards import approved_card, build_card_pdfs, card_order, copies_per_card, render_with


@pytest.fixture(scope="session")
def card_pdfs(tmp_path_factory):
    return build_card_pdfs(tmp_path_factory)


@pytest.fixture
def prod(keys):
    return keys["kartenliebe", "production"]


def _sheet(client, headers, sheet_id: str) -> dict:
    response = client.get(f"/v1/sheets/{sheet_id}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_whole_flow_from_approved_jobs_to_printed(client, keys, prod, photo, services, card_pdfs, tmp_path):
    flat = approved_card(client, keys, photo, services, card_pdfs["card-a6-flat"], quantity=3, external_id="KL-1")
    folded = approved_card(client, keys, photo, services, card_pdfs["card-a6-folded"], quantity=2,
                           external_id="KL-2", product="card-a6-folded")
    response = client.post("/v1/sheets", json={"printer": "card-digital"}, headers=prod)
    assert response.status_code == 202, response.get_json()
    sheet = response.get_json()
    assert response.headers["Location"] == f"/v1/sheets/{sheet['id']}"
    assert sheet["state"] == "building" and sheet["printer"] == "card-digital" and sheet["cards"] == 5
    assert [(j["job_id"], j["quantity"], j["state"]) for j in sheet["jobs"]] == [(flat, 3, "approved"),
                                                                                 (folded, 2, "approved")]
    assert sheet["links"]["file"] is None and sheet["sheets"] is None
    assert services.queue.sheets == [sheet["id"]]  # the sheet message left through the outbox
    with services.sessions() as session:
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "sheet")).one()
        assert (message.sheet_id, message.state) == (sheet["id"], "sent")
    assert client.get(f"/v1/sheets/{sheet['id']}/file", headers=prod).get_json()["code"] == "not-built"

    assert run_sheet_job(sheet["id"], services) is Outcome.done
    ready = _sheet(client, prod, sheet["id"])
    assert ready["state"] == "ready" and ready["finished_at"] and ready["reason"] is None
    assert ready["sheets"] == 2  # a6 flat and a6 folded do not share a layout: one sheet each
    assert ready["per_sheet"] == {"card-a6-flat": 5, "card-a6-folded": 2}  # on SRA3
    assert all(0 < v < 1 for v in ready["paper_use"].values())
    assert ready["links"]["file"] == f"/v1/sheets/{sheet['id']}/file"

    pdf = client.get(ready["links"]["file"], headers=prod)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert f"{sheet['id']}-card-digital.pdf" in pdf.headers["Content-Disposition"]
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf.data)
    assert copies_per_card(path) == [2, 3]  # every copy of every job, and nothing else

    listed = client.get("/v1/sheets?state=ready", headers=prod).get_json()["sheets"]
    assert [s["id"] for s in listed] == [sheet["id"]]

    printed = client.post(f"/v1/sheets/{sheet['id']}/printed", json={}, headers=prod)
    assert printed.status_code == 200, printed.get_json()
    body = printed.get_json()
    assert body["state"] == "printed" and body["printed_at"]
    assert {j["state"] for j in body["jobs"]} == {"printed"}
    for job_id in (flat, folded):
        assert client.get(f"/v1/jobs/{job_id}", headers=prod).get_json()["state"] == "printed"
    with services.sessions() as session:
        for job_id in (flat, folded):
            last = session.scalars(select(Event).where(Event.job_id == job_id).order_by(Event.id.desc())).first()
            assert (last.from_state, last.to_state) == ("approved", "printed")
            assert last.actor.startswith("production:") and sheet["id"] in last.reason
        feed = [(e.type, e.data.get("state")) for e in session.scalars(
            select(FeedEvent).where(FeedEvent.brand == "kartenliebe").order_by(FeedEvent.seq))]
    assert [s for t, s in feed if t == "sheet.state_changed"] == ["building", "ready", "printed"]
    assert feed.count(("job.state_changed", "printed")) == 2
    again = client.post(f"/v1/sheets/{sheet['id']}/printed", json={}, headers=prod)
    assert again.status_code == 409 and again.get_json()["code"] == "sheet-printed"
    assert client.get(f"/v1/sheets/{sheet['id']}/file", headers=prod).status_code == 200  # kept for reprints


def test_a_job_sits_on_one_active_sheet(client, keys, prod, photo, services, card_pdfs):
    a = approved_card(client, keys, photo, services, card_pdfs["card-a6-flat"], external_id="KL-1")
    b = approved_card(client, keys, photo, services, card_pdfs["card-a6-flat"], external_id="KL-2")
    first = client.post("/v1/sheets", json={"job_ids": [a]}, headers=prod).get_json()
    refused = client.post("/v1/sheets", json={"job_ids": [b, a]}, headers=prod)
    assert refused.status_code == 409
    problem = refused.get_json()
    assert problem["code"] == "on-active-sheet" and problem["jobs"] == {a: first["id"]}
    assert a in problem["detail"] and b not in problem["jobs"]
    second = client.post("/v1/sheets", json={"printer": "card-digital"}, headers=prod).get_json()
    assert [j["job_id"] for j in second["jobs"]] == [b]  # all of the printer's jobs not on a sheet yet
    nothing = client.post("/v1/sheets", json={"printer": "card-digital"}, headers=prod)
    assert nothing.status_code == 409 and nothing.get_json()["code"] == "nothing-to-impose"
    run_sheet_job(first["id"], services)  # a ready sheet holds its jobs as well
    assert client.post("/v1/sheets", json={"job_ids": [a]}, headers=prod).status_code == 409
    single = client.post(f"/v1/jobs/{a}/printed", json={}, headers=prod)
    assert single.status_code == 409 and single.get_json()["code"] == "on-sheet"
    cancelled = client.post(f"/v1/sheets/{first['id']}/cancel", json={"reason": "paper jam"}, headers=prod)
    assert cancelled.get_json()["state"] == "cancelled" and cancelled.get_json()["reason"] == "paper jam"
    assert cancelled.get_json()["jobs"][0]["state"] == "approved"  # released, still approved
    assert client.get(f"/v1/sheets/{first['id']}/file", headers=prod).get_json()["code"] == "sheet-cancelled"
    assert client.post(f"/v1/sheets/{first['id']}/cancel", json={}, headers=prod).status_code == 409
    assert client.post("/v1/sheets", json={"job_ids": [a]}, headers=prod).status_code == 202


def test_only_approved_card_jobs_go_on_a_sheet(client, keys, prod, photo, services, card_pdfs):
    queued = card_order(client, keys, photo, external_id="KL-1")["items"][0]["job_id"]
    waiting = card_order(client, keys, photo, external_id="KL-2")["items"][0]["job_id"]
    render_with(services, waiting, card_pdfs["card-a6-flat"], verdict="warn")  # qa_pending
    response = client.post("/v1/sheets", json={"job_ids": [queued, waiting]}, headers=prod)
    assert response.status_code == 409
    assert response.get_json()["code"] == "not-approved"
    assert response.get_json()["jobs"] == {queued: "queued", waiting: "qa_pending"}

    shop = keys["myposter", "shop"]
    upload = client.post("/v1/uploads", data=photo.read_bytes(), headers={**shop, "Content-Type": "image/jpeg"})
    poster = client.post("/v1/orders", json=order_body(upload.get_json()["id"]), headers=shop).get_json()
    poster_job = poster["items"][0]["job_id"]
    render_with(services, poster_job, card_pdfs["card-a6-flat"])  # approved, but a poster
    myposter = keys["myposter", "production"]
    response = client.post("/v1/sheets", json={"job_ids": [poster_job]}, headers=myposter)
    assert response.status_code == 422
    assert response.get_json()["code"] == "not-card" and response.get_json()["jobs"] == {poster_job: "poster-50x70"}
    response = client.post("/v1/sheets", json={"printer": "poster-inkjet"}, headers=myposter)
    assert response.status_code == 422 and response.get_json()["code"] == "no-card-printer"
    response = client.post("/v1/sheets", json={"printer": "card-digital", "product": "poster-50x70"}, headers=prod)
    assert response.status_code == 422
    assert client.post("/v1/sheets", json={"job_ids": ["job_nope"]}, headers=prod).status_code == 404
    for body in ({}, {"job_ids": []}, {"job_ids": [queued], "printer": "card-digital"}, {"product": "card-a6-flat"}):
        assert client.post("/v1/sheets", json=body, headers=prod).status_code == 422, body
    with services.sessions() as session:
        assert session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "sheet")).all() == []


def test_product_filter(client, keys, prod, photo, services, card_pdfs):
    flat = approved_card(client, keys, photo, services, card_pdfs["card-a6-flat"], external_id="KL-1")
    approved_card(client, keys, photo, services, card_pdfs["card-a6-folded"], external_id="KL-2",
                  product="card-a6-folded")
    sheet = client.post("/v1/sheets", json={"printer": "card-digital", "product": "card-a6-flat"},
                        headers=prod).get_json()
    assert [j["job_id"] for j in sheet["jobs"]] == [flat] and sheet["product"] == "card-a6-flat"


def test_cancelling_a_job_makes_its_ready_sheet_stale(client, keys, prod, photo, services, card_pdfs):
    order = card_order(client, keys, photo, external_id="KL-1")
    gone = order["items"][0]["job_id"]
    render_with(services, gone, card_pdfs["card-a6-flat"])
    kept = approved_card(client, keys, photo, services, card_pdfs["card-a6-flat"], external_id="KL-2")
    sheet = client.post("/v1/sheets", json={"job_ids": [gone, kept]}, headers=prod).get_json()
    run_sheet_job(sheet["id"], services)
    shop = keys["kartenliebe", "shop"]
    response = client.post(f"/v1/orders/{order['id']}/items/{order['items'][0]['id']}/cancel",
                           json={"reason": "wrong name"}, headers=shop)
    assert response.status_code == 200, response.get_json()
    stale = _sheet(client, prod, sheet["id"])
    assert stale["state"] == "cancelled" and stale["reason_code"] == "stale"
    assert gone in stale["reason"] and "wrong name" in stale["reason"]
    assert stale["links"]["file"] is None
    assert client.post(f"/v1/sheets/{sheet['id']}/printed", json={}, headers=prod).status_code == 409
    rebuilt = client.post("/v1/sheets", json={"printer": "card-digital"}, headers=prod).get_json()
    assert [j["job_id"] for j in rebuilt["jobs"]] == [kept]


def test_a_qa_rejection_also_makes_the_sheet_stale(client, keys, prod, photo, services, card_pdfs):
    job = approved_card(client, keys, photo, services, card_pdfs["card-a6-flat"])
    sheet = client.post("/v1/sheets", json={"job_ids": [job]}, headers=prod).get_json()
    rejected = client.post(f"/v1/jobs/{job}/reject", json={"reason": "face cut off"},
                           headers=keys["kartenliebe", "qa"])
    assert rejected.status_code == 200
    assert _sheet(client, prod, sheet["id"])["state"] == "cancelled"
    assert run_sheet_job(sheet["id"], services) is Outcome.skipped


def test_roles_and_brands(client, keys, prod, photo, services, card_pdfs):
    job = approved_card(client, keys, photo, services, card_pdfs["card-a6-flat"])
    for role in ("shop", "qa"):
        other = keys["kartenliebe", role]
        assert client.post("/v1/sheets", json={"job_ids": [job]}, headers=other).status_code == 403
        assert client.get("/v1/sheets", headers=other).status_code == 403
    sheet = client.post("/v1/sheets", json={"job_ids": [job]}, headers=keys["kartenliebe", "admin"]).get_json()
    assert sheet["requested_by"].startswith("admin:")
    run_sheet_job(sheet["id"], services)
    for role in ("shop", "qa"):
        other = keys["kartenliebe", role]
        for path in ("", "/file"):
            assert client.get(f"/v1/sheets/{sheet['id']}{path}", headers=other).status_code == 403
        for path in ("/printed", "/cancel"):
            assert client.post(f"/v1/sheets/{sheet['id']}{path}", json={}, headers=other).status_code == 403
    stranger = keys["myposter", "production"]
    for path in ("", "/file"):
        response = client.get(f"/v1/sheets/{sheet['id']}{path}", headers=stranger)
        assert response.status_code == 404 and response.get_json()["code"] == "sheet-not-found"
    for path in ("/printed", "/cancel"):
        assert client.post(f"/v1/sheets/{sheet['id']}{path}", json={}, headers=stranger).status_code == 404
    assert client.get("/v1/sheets", headers=stranger).get_json()["sheets"] == []
    assert client.post("/v1/sheets", json={"job_ids": [job]}, headers=stranger).status_code == 404
    assert _sheet(client, prod, sheet["id"])["state"] == "ready"
