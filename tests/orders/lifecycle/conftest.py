"""The lifecycle tests' order: two lines (quantities 3 and 1) submitted through the API."""

from __future__ import annotations

import pytest

from tests.conftest import order_body


@pytest.fixture
def order(client, keys, photo) -> dict:
    shop = keys["myposter", "shop"]
    upload = client.post("/v1/uploads", data=photo.read_bytes(), headers={**shop, "Content-Type": "image/jpeg"})
    body = order_body(upload.get_json()["id"])
    body["items"] = [{**body["items"][0], "quantity": 3}, {**body["items"][0], "quantity": 1}]
    response = client.post("/v1/orders", json=body, headers=shop)
    assert response.status_code == 201, response.get_json()
    return response.get_json()
