"""Lists: cursor pages, filters, and the catalogue endpoints."""

from __future__ import annotations

import pytest

from tests.conftest import order_body


@pytest.fixture
def upload_id(client, keys, photo):
    return client.post("/v1/uploads", data=photo.read_bytes(),
                       headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg"}).get_json()["id"]


def _all_pages(client, url: str, headers: dict, field: str) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        query = f"&cursor={cursor}" if cursor else ""
        body = client.get(url + query, headers=headers).get_json()
        pages.append([row["id"] for row in body[field]])
        cursor = body["next"]
        if cursor is None:
            return pages


def test_orders_and_jobs_come_in_cursor_pages(client, keys, upload_id):
    headers = keys["myposter", "shop"]
    made = [client.post("/v1/orders", json=order_body(upload_id, external_id=f"MP-{n}"), headers=headers)
            .get_json()["id"] for n in range(5)]
    pages = _all_pages(client, "/v1/orders?limit=2", headers, "orders")
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [i for p in pages for i in p] == made[::-1]
    jobs = _all_pages(client, "/v1/jobs?limit=3&state=queued&state=rendering", headers, "jobs")
    assert [len(p) for p in jobs] == [3, 2]
    assert client.get("/v1/jobs?state=approved", headers=headers).get_json()["jobs"] == []
    assert client.get("/v1/orders?product=canvas-40x30", headers=headers).get_json()["orders"] == []
    late = client.get("/v1/orders?created_after=2999-01-01T00:00:00Z", headers=headers).get_json()
    assert late == {"orders": [], "next": None}
    bad = client.get("/v1/orders?cursor=bm9wZQ", headers=headers)
    assert bad.status_code == 422 and bad.get_json()["code"] == "invalid-cursor"


def test_events_keep_after_and_add_a_cursor(client, keys, upload_id):
    headers = keys["myposter", "shop"]
    for n in range(3):
        client.post("/v1/orders", json=order_body(upload_id, external_id=f"MP-E{n}"), headers=headers)
    everything = client.get("/v1/events?limit=1000", headers=headers).get_json()["events"]
    assert len(everything) >= 3
    first = client.get("/v1/events?limit=2", headers=headers).get_json()
    assert first["next"] and len(first["events"]) == 2
    second = client.get(f"/v1/events?limit=2&cursor={first['next']}", headers=headers).get_json()
    assert second["events"][0]["seq"] == first["events"][-1]["seq"] + 1
    after = client.get(f"/v1/events?limit=2&after={first['next_after']}", headers=headers).get_json()
    assert after["events"] == second["events"]


def test_catalogue_is_the_brands_own(client, keys):
    mine = client.get("/v1/products", headers=keys["myposter", "shop"]).get_json()["products"]
    ids = {p["id"] for p in mine}
    assert "poster-50x70" in ids and "card-a6-flat" not in ids
    poster = client.get("/v1/products/poster-50x70", headers=keys["myposter", "shop"]).get_json()
    assert poster["bleed_mm"] > 0 and poster["safe_mm"] > 0 and poster["min_ppi"] > 0
    assert poster["pages"][0]["slots"] and {p["market"] for p in poster["prices"]} >= {"DE", "CH"}
    other = client.get("/v1/products/poster-50x70", headers=keys["kartenliebe", "shop"])
    assert other.status_code == 404 and other.get_json()["code"] == "product-not-found"
    card = client.get("/v1/products/card-a6-folded", headers=keys["kartenliebe", "shop"]).get_json()
    assert any(page["text_areas"] for page in card["pages"])
    area = next(a for page in card["pages"] for a in page["text_areas"])
    assert {"fonts", "min_size_pt", "max_size_pt", "max_lines"} <= set(area)
