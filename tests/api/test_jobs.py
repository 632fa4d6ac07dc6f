"""Jobs: reading, the production list, QA and production actions, files, retry."""

from __future__ import annotations

import pytest

from orders.lifecycle import Rendered
from orders.reasons import ReasonCode
from tests.conftest import order_body


@pytest.fixture
def job_id(client, keys, photo, services) -> str:
    upload = client.post("/v1/uploads", data=photo.read_bytes(),
                         headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg"}).get_json()
    order = client.post("/v1/orders", json=order_body(upload["id"]), headers=keys["myposter", "shop"]).get_json()
    return order["items"][0]["job_id"]


def _render(services, job_id: str, verdict: str = "warn") -> None:
    """Through the worker's actions: claimed, rendered with small stand-in files, then QA (warn) or
    approved (ok)."""
    assert not isinstance(services.lifecycle.claim_render(job_id), str)
    keys = {}
    for name, data in (("printfile", b"%PDF-1.6 test"), ("preview", b"\xff\xd8jpeg"), ("report", b"{}")):
        keys[name] = f"myposter/test/{job_id}/{name}"
        services.storage.put_bytes(keys[name], data, content_type="application/octet-stream")
    done = services.lifecycle.finish_render(job_id, Rendered(report={"verdict": verdict, "findings": []},
                                                             verdict=verdict, keys=keys))
    assert done


def _fail(services, job_id: str) -> None:
    assert not isinstance(services.lifecycle.claim_render(job_id), str)
    services.lifecycle.fail_render(job_id, ReasonCode.image_problem, "the photo is unreadable")


def test_qa_approves_and_production_prints_and_ships(client, keys, job_id, services):
    _render(services, job_id)
    qa, production = keys["myposter", "qa"], keys["myposter", "production"]
    assert client.post(f"/v1/jobs/{job_id}/printed", json={}, headers=production).status_code == 409
    assert client.post(f"/v1/jobs/{job_id}/approve", json={}, headers=production).status_code == 403
    assert client.post(f"/v1/jobs/{job_id}/approve", json={}, headers=qa).get_json()["state"] == "approved"
    ready = client.get("/v1/jobs?state=approved&printer=poster-inkjet", headers=production).get_json()["jobs"]
    assert [(j["id"], j["order_ref"]) for j in ready] == [(job_id, "MP-2026-000123")]
    assert client.get("/v1/jobs?state=approved&printer=card-digital", headers=production).get_json()["jobs"] == []
    pdf = client.get(f"/v1/jobs/{job_id}/printfile", headers=production)
    assert pdf.status_code == 200 and pdf.data == b"%PDF-1.6 test"
    assert "MP-2026-000123-1-poster-50x70-r1.pdf" in pdf.headers["Content-Disposition"]
    assert client.post(f"/v1/jobs/{job_id}/printed", json={}, headers=production).get_json()["state"] == "printed"
    assert client.post(f"/v1/jobs/{job_id}/shipped", json={}, headers=production).get_json()["state"] == "shipped"
    order_id = client.get(f"/v1/jobs/{job_id}", headers=qa).get_json()["order_id"]
    assert client.get(f"/v1/orders/{order_id}", headers=qa).get_json()["status"] == "shipped"


def test_reject_needs_a_reason_and_a_new_image_starts_version_2(client, keys, job_id, services, photo, tmp_path):
    _render(services, job_id)
    qa, shop = keys["myposter", "qa"], keys["myposter", "shop"]
    assert client.post(f"/v1/jobs/{job_id}/reject", json={}, headers=qa).status_code == 422
    rejected = client.post(f"/v1/jobs/{job_id}/reject", json={"reason": "face cut off"}, headers=qa).get_json()
    assert (rejected["state"], rejected["reason"]) == ("rejected", "face cut off")
    from tests import imagegen

    new = imagegen.photo_jpeg(tmp_path / "new.jpg", 500, 700)
    upload = client.post("/v1/uploads", data=new.read_bytes(), headers={**shop, "Content-Type": "image/jpeg"})
    order_id, item_id = rejected["order_id"], rejected["item_id"]
    response = client.post(f"/v1/orders/{order_id}/items/{item_id}/image",
                           json={"image": {"upload_id": upload.get_json()["id"]}}, headers=shop)
    assert response.status_code == 201
    item = response.get_json()["items"][0]
    assert item["version"] == 2 and item["state"] == "queued" and item["job_id"] != job_id
    assert services.queue.sent[-1] == item["job_id"]
    old = client.get(f"/v1/jobs/{job_id}", headers=qa).get_json()
    assert old["state"] == "rejected" and old["links"]["printfile"]  # the old version keeps its files
    assert client.get(old["links"]["printfile"], headers=qa).status_code == 200


def test_failed_job_can_be_retried(client, keys, job_id, services):
    _fail(services, job_id)
    response = client.post(f"/v1/jobs/{job_id}/retry", json={}, headers=keys["myposter", "production"])
    assert response.status_code == 200 and response.get_json()["state"] == "queued"
    assert services.queue.sent.count(job_id) == 2


def test_files_of_an_unrendered_job_are_404(client, keys, job_id):
    response = client.get(f"/v1/jobs/{job_id}/preview", headers=keys["myposter", "qa"])
    assert response.status_code == 404
    assert response.get_json()["code"] == "not-rendered"
