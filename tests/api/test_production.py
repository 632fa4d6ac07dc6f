"""The pages' API: who am I, production's bulk steps and ZIP download, QA's proof tiles."""

from __future__ import annotations

import io
import json
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


def test_proof_tiles_are_served_from_storage(client, keys, approved, services):
    from storage.keys import proof_prefix

    qa = keys["myposter", "qa"]
    job = client.get(f"/v1/jobs/{approved[0]}", headers=qa).get_json()
    assert client.get(f"/v1/jobs/{approved[0]}/proof", headers=qa).status_code == 404
    prefix = proof_prefix("myposter", job["order_id"], job["item_id"], 1)
    manifest = {"format": "jpg", "slots": [{"index": 0, "source": "s0-source.jpg", "width": 600, "height": 800}]}
    services.storage.put_bytes(f"{prefix}/manifest.json", json.dumps(manifest).encode(),
                               content_type="application/json")
    services.storage.put_bytes(f"{prefix}/s0_files/10/1_0.jpg", b"\xff\xd8tile", content_type="image/jpeg")
    services.storage.put_bytes(f"{prefix}/s0.dzi", b"<Image/>", content_type="application/xml")
    got = client.get(f"/v1/jobs/{approved[0]}/proof", headers=qa).get_json()
    assert got["slots"][0]["links"]["tiles"] == f"/v1/jobs/{approved[0]}/proof/0/tiles/{{level}}/{{col}}_{{row}}.jpg"
    tile = client.get(f"/v1/jobs/{approved[0]}/proof/tiles/10/1_0.jpg", headers=qa)
    assert tile.status_code == 200 and tile.data == b"\xff\xd8tile" and "immutable" in tile.headers["Cache-Control"]
    assert client.get(f"/v1/jobs/{approved[0]}/proof/0/tiles/10/1_0.jpg", headers=qa).data == b"\xff\xd8tile"
    assert client.get(f"/v1/jobs/{approved[0]}/proof.dzi", headers=qa).data == b"<Image/>"
    assert client.get(f"/v1/jobs/{approved[0]}/proof/0/tiles/9/0_0.jpg", headers=qa).status_code == 404
    assert client.get(f"/v1/jobs/{approved[0]}/proof/tiles/10/1_0.jpg",
                      headers=keys["kartenliebe", "qa"]).status_code == 404


def test_proof_pyramid_of_a_real_print_file(tmp_path, photo):
    """render.proof_tiles on a real (small) print file: the last level is 1:1 print pixels."""
    import pyvips

    from vocab.spec import ItemSpec
    from printfiles.build import PrintMeta, build_item
    from profiles.catalogue import load_catalogue
    from render.proof_tiles import levels_for, make_proof

    catalogue = load_catalogue()
    product = catalogue.get("card-a6-flat")
    spec = ItemSpec.model_validate({"product": product.id, "quantity": 1, "image": {"upload_id": "upl_1"}})
    from datetime import UTC, datetime

    meta = PrintMeta(brand="kartenliebe", order_ref="KL-1", item_ref="itm_1", job_id="job_1", version=1,
                     created_at=datetime(2026, 1, 1, tzinfo=UTC), quantity=1)
    result = build_item(spec, product, {"upl_1": photo}, tmp_path / "out", meta,
                        printer=catalogue.printer(product.printer))
    report = json.loads(result.report_path.read_bytes())
    proof = make_proof(result.printfile, report, tmp_path / "proof", sources={"upl_1": photo})
    [slot] = proof.slots
    assert (slot.width, slot.height) == (report["slots"][0]["raster_width_px"], report["slots"][0]["raster_height_px"])
    assert slot.levels == levels_for(slot.width, slot.height) and slot.source == "s0-source.jpg"
    top = tmp_path / "proof" / slot.tiles / str(slot.levels - 1)
    first = pyvips.Image.new_from_file(str(top / "0_0.jpg"))
    assert (first.width, first.height, first.bands) == (min(512, slot.width), min(512, slot.height), 3)
    assert (tmp_path / "proof" / slot.tiles / "0" / "0_0.jpg").exists()
    assert max(pyvips.Image.new_from_file(str(tmp_path / "proof" / "s0-source.jpg")).width,
               pyvips.Image.new_from_file(str(tmp_path / "proof" / "s0-source.jpg")).height) == 800
