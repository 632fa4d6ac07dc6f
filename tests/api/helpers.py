"""Shared by the API tests of webhooks and the events feed: an order of several lines over the API."""

from __future__ import annotations

from tests.conftest import order_body


def order_of_lines(client, keys, photo, *, brand: str = "myposter", quantities=(3, 1), external_id: str = "MP-7") -> dict:
    shop = keys[brand, "shop"]
    upload = client.post("/v1/uploads", data=photo.read_bytes(), headers={**shop, "Content-Type": "image/jpeg"})
    body = order_body(upload.get_json()["id"], external_id=external_id)
    body["items"] = [{**body["items"][0], "quantity": q} for q in quantities]
    response = client.post("/v1/orders", json=body, headers=shop)
    assert response.status_code == 201, response.get_json()
    return response.get_json()
