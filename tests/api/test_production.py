"""The pages' API: who am I, production's bulk steps and ZIP download (QA's proof tiles: test_proof.py)."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.api.test_jobs import _render
from tests.conftest import order_body


def _order(client, keys, photo, external_id: str, quantity: int = 1) -> str:
    shop = keys["myposter", "shop"]
    upload = client.post("/v1/uploads", data=photo.read_bytes(),
                         headers={**shop, "Content-Type": "image/jpeg"}).get_json()
    body = order_body(upload["id"], external_id=external_id)
    body["items"][0]["quantity"] = quantity
    return client.post("/v1/orders", json=body, headers=shop).get_json()["items"][0]["job_id"]


@pytest.fixture
def approved(client, keys, photo, services) -> list[str]:
    ids = [_order(client, keys, photo, f"MP-2026-00012{n}", quantity=n + 1) for n in range(2)]
    for job_id in ids:
        _render(services, job_id, verdict="ok")
    return ids


def test_whoami(client, keys):
    me = client.get("/v1/whoami", headers=keys["myposter", "qa"]).get_json()
    assert (me["brand"], me["role"]) == ("myposter", "qa") and me["key_id"]
    assert client.get("/v1/whoami").status_code == 401


def test_job_carries_customer_and_country(client, keys, approved):
    job = client.get(f"/v1/jobs/{approved[0]}", headers=keys["myposter", "production"]).get_json()
    assert (job["customer_name"], job["country"], job["position"]) == ("Anna Muster", "DE", 0)


def test_bulk_marks_printed_then_shipped_per_job(client, keys, approved):
    production = keys["myposter", "production"]
    out = client.post("/v1/production/bulk", json={"action": "mark_printed",
                                             "jobs": [{"id": approved[0]}, {"id": "job_nope"}]},
                      headers=production).get_json()
    assert (out["done"], out["refused"]) == (1, 1)
    assert out["results"][0] == {"id": approved[0], "ok": True, "state": "printed", "code": None, "detail": None}
    assert out["results"][1]["code"] == "job-not-found"
    out = client.post("/v1/production/bulk", json={"action": "mark_shipped", "jobs": [
        {"id": approved[0], "carrier": "DHL", "tracking_number": "00340434"}, {"id": approved[1]}]},
        headers=production).get_json()
    assert [r["ok"] for r in out["results"]] == [True, False]
    assert out["results"][1]["code"] == "illegal-transition" and out["results"][1]["state"] == "approved"
    job = client.get(f"/v1/jobs/{approved[0]}", headers=production).get_json()
    assert (job["state"], job["carrier"], job["tracking_number"]) == ("shipped", "DHL", "00340434")
    assert client.post("/v1/production/bulk", json={"action": "mark_printed", "jobs": [{"id": approved[1]}]},
                       headers=keys["myposter", "qa"]).status_code == 403
    assert client.post("/v1/production/bulk", json={"action": "approve", "jobs": [{"id": approved[1]}]},
                       headers=production).status_code == 422


def test_download_is_one_zip_named_by_order_reference(client, keys, approved):
    response = client.post("/v1/production/download", json={"jobs": approved}, headers=keys["myposter", "production"])
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert names == ["MP-2026-000120-1-poster-50x70-x1.pdf", "MP-2026-000121-1-poster-50x70-x2.pdf"]
    assert zipfile.ZipFile(io.BytesIO(response.data)).read(names[0]) == b"%PDF-1.6 test"
    other = client.post("/v1/production/download", json={"jobs": ["job_nope"]}, headers=keys["myposter", "production"])
    assert other.status_code == 404
    assert client.post("/v1/production/download", json={"jobs": approved},
                       headers=keys["kartenliebe", "production"]).status_code == 404
