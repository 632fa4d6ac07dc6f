"""`api.proof`: QA's zoomable soft proof served from what the worker stored under the job version's proof
prefix — the manifest with links per slot, Deep Zoom descriptors and tiles (cached as immutable), the
source preview; 404 where nothing was stored and for another brand's job."""

from __future__ import annotations

import json

import pytest

from storage.keys import proof_prefix
from tests.api.test_jobs import _render
from tests.conftest import order_body


def _order(client, keys, photo, external_id: str) -> str:
    shop = keys["myposter", "shop"]
    upload = client.post("/v1/uploads", data=photo.read_bytes(),
                         headers={**shop, "Content-Type": "image/jpeg"}).get_json()
    return client.post("/v1/orders", json=order_body(upload["id"], external_id=external_id),
                       headers=shop).get_json()["items"][0]["job_id"]


@pytest.fixture
def approved(client, keys, photo, services) -> list[str]:
    ids = [_order(client, keys, photo, f"MP-2026-00012{n}") for n in range(2)]
    for job_id in ids:
        _render(services, job_id, verdict="ok")
    return ids


def _store(services, client, keys, job_id: str, manifest: dict, files: dict[str, bytes]) -> None:
    job = client.get(f"/v1/jobs/{job_id}", headers=keys["myposter", "qa"]).get_json()
    prefix = proof_prefix("myposter", job["order_id"], job["item_id"], 1)
    services.storage.put_bytes(f"{prefix}/manifest.json", json.dumps(manifest).encode(),
                               content_type="application/json")
    for name, data in files.items():
        services.storage.put_bytes(f"{prefix}/{name}", data, content_type="application/octet-stream")


def test_proof_tiles_are_served_from_storage(client, keys, approved, services):
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


def test_the_manifest_links_each_slot_and_is_never_cached(client, keys, approved, services):
    job_id = approved[1]
    manifest = {"slots": [{"index": 0, "source": "s0-source.jpg"}, {"index": 1, "source": None}]}
    _store(services, client, keys, job_id, manifest, {"s1.dzi": b"<Image n='1'/>", "s0-source.jpg": b"\xff\xd8src"})
    answer = client.get(f"/v1/jobs/{job_id}/proof", headers=keys["myposter", "production"])
    assert answer.headers["Cache-Control"] == "no-store" and answer.mimetype == "application/json"
    first, second = answer.get_json()["slots"]
    assert first["links"]["dzi"] == f"/v1/jobs/{job_id}/proof/0.dzi"
    assert first["links"]["source"] == f"/v1/jobs/{job_id}/proof/0/source.jpg"
    assert second["links"]["source"] is None  # no source preview stored for that slot
    qa = keys["myposter", "qa"]
    dzi = client.get(second["links"]["dzi"], headers=qa)
    assert dzi.data == b"<Image n='1'/>" and dzi.mimetype == "application/xml"
    source = client.get(first["links"]["source"], headers=qa)
    assert source.data == b"\xff\xd8src" and source.mimetype == "image/jpeg"
    missing = client.get(f"/v1/jobs/{job_id}/proof/1/source.jpg", headers=qa)
    assert missing.status_code == 404 and missing.get_json()["code"] == "no-proof"


def test_another_versions_proof_is_not_this_ones(client, keys, approved, services):
    job_id = approved[0]
    job = client.get(f"/v1/jobs/{job_id}", headers=keys["myposter", "qa"]).get_json()
    other = proof_prefix("myposter", job["order_id"], job["item_id"], 2)
    services.storage.put_bytes(f"{other}/manifest.json", b'{"slots": []}', content_type="application/json")
    assert client.get(f"/v1/jobs/{job_id}/proof", headers=keys["myposter", "qa"]).status_code == 404
