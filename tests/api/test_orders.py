"""POST/GET /v1/orders: intake, idempotency, conflicts, validation, brand isolation, cancel, new image."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import order_body

CROP_50x70 = {"x": 0.0, "y": 0.0, "width": 0.98, "height": 0.96}  # 700 x 1000 photo → aspect 500/700


@pytest.fixture
def upload_id(client, keys, tmp_path):
    from tests import imagegen

    path = imagegen.photo_jpeg(tmp_path / "p.jpg", 700, 1000)
    response = client.post("/v1/uploads", data=path.read_bytes(),
                           headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg"})
    return response.get_json()["id"]


def test_order_is_recorded_and_each_item_enqueued_once(client, keys, upload_id, services):
    response = client.post("/v1/orders", json=order_body(upload_id, crop=CROP_50x70),
                           headers=keys["myposter", "shop"])
    assert response.status_code == 201
    order = response.get_json()
    assert order["status"] == "open"
    [item] = order["items"]
    assert item["state"] == "queued" and item["job_id"].startswith("job_")
    assert services.queue.sent == [item["job_id"]]
    again = client.get(f"/v1/orders/{order['id']}", headers=keys["myposter", "shop"]).get_json()
    assert again["items"][0]["job_id"] == item["job_id"]


def test_same_idempotency_key_same_body_returns_the_original(client, keys, upload_id, services):
    headers = {**keys["myposter", "shop"], "Idempotency-Key": "k-1"}
    first = client.post("/v1/orders", json=order_body(upload_id), headers=headers)
    second = client.post("/v1/orders", json=order_body(upload_id), headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["id"] == second.get_json()["id"]
    assert len(services.queue.sent) == 1


def test_same_idempotency_key_other_body_is_409(client, keys, upload_id):
    headers = {**keys["myposter", "shop"], "Idempotency-Key": "k-2"}
    assert client.post("/v1/orders", json=order_body(upload_id), headers=headers).status_code == 201
    other = order_body(upload_id, external_id="MP-2026-000999")
    response = client.post("/v1/orders", json=other, headers=headers)
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["field"] == "Idempotency-Key"


def test_external_id_is_unique_per_brand(client, keys, upload_id, tmp_path):
    assert client.post("/v1/orders", json=order_body(upload_id), headers=keys["myposter", "shop"]).status_code == 201
    changed = order_body(upload_id)
    changed["items"][0]["quantity"] = 2
    response = client.post("/v1/orders", json=changed, headers=keys["myposter", "shop"])
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["field"] == "external_id"


def test_concurrent_identical_requests_give_one_order(app, keys, upload_id, services):
    headers = {**keys["myposter", "shop"], "Idempotency-Key": "race"}
    results: list = []

    def post() -> None:
        with app.test_client() as c:
            results.append(c.post("/v1/orders", json=order_body(upload_id), headers=headers))

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [200] * 5 + [201]
    assert len({r.get_json()["id"] for r in results}) == 1
    assert len(services.queue.sent) == 1


def test_invalid_orders_name_the_field(client, keys, upload_id):
    headers = keys["myposter", "shop"]
    cases = {
        "items[0].product": order_body(upload_id, product="card-a6-flat"),  # other brand's product
        "items[0].image.crop": order_body(upload_id, crop={"x": 0, "y": 0, "width": 1, "height": 1}),
        "items[0].image.upload_id": order_body("upl_doesnotexist"),
    }
    for field, body in cases.items():
        response = client.post("/v1/orders", json=body, headers=headers)
        assert response.status_code == 422, field
        assert response.headers["Content-Type"] == "application/problem+json"
        assert [e["field"] for e in response.get_json()["errors"]] == [field]
    schema = client.post("/v1/orders", json={**order_body(upload_id), "market": "Germany"}, headers=headers)
    assert schema.status_code == 422
    assert schema.get_json()["errors"][0]["field"] == "market"


def test_other_brand_sees_nothing(client, keys, upload_id):
    order = client.post("/v1/orders", json=order_body(upload_id), headers=keys["myposter", "shop"]).get_json()
    job_id = order["items"][0]["job_id"]
    other = keys["kartenliebe", "admin"]
    assert client.get(f"/v1/orders/{order['id']}", headers=other).status_code == 404
    assert client.get(f"/v1/jobs/{job_id}", headers=other).status_code == 404
    assert client.get(f"/v1/jobs/{job_id}/printfile", headers=other).status_code == 404
    assert client.get("/v1/orders", headers=other).get_json()["orders"] == []
    assert client.get("/v1/jobs", headers=other).get_json()["jobs"] == []


def test_cancel_a_queued_item_and_see_the_events(client, keys, upload_id):
    headers = keys["myposter", "shop"]
    order = client.post("/v1/orders", json=order_body(upload_id), headers=headers).get_json()
    item = order["items"][0]
    url = f"/v1/orders/{order['id']}/items/{item['id']}/cancel"
    response = client.post(url, json={"reason": "customer changed mind"}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert client.post(url, json={}, headers=headers).status_code == 409
    events = client.get(f"/v1/orders/{order['id']}/events", headers=headers).get_json()["events"]
    assert [(e["from_state"], e["to_state"]) for e in events] == [(None, "queued"), ("queued", "cancelled")]
    assert events[1]["reason"] == "customer changed mind"
