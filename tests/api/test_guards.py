"""Inputs that used to answer 500 answer 4xx problems; outages of storage or database answer 503 with
Retry-After (api/guards.py). On SQLite and PostgreSQL alike (PostgreSQL refuses NUL in text)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from api.guards import MAX_JSON_DEPTH, json_depth
from storage.base import StorageError
from tests.conftest import order_body

NUL_PATHS = ["/v1/jobs/job_%00x", "/v1/orders/ord_%00", "/v1/uploads/upl_%00/", "/v1/jobs?state=%00",
             "/v1/orders/%00/items/x/cancel"]
ODD_PATHS = ["/v1/jobs/%ff%fe", "/v1/jobs/" + "a" * 5000, "/v1/jobs/a%01b", "/v1/orders/%c0%ae%c0%ae"]


@pytest.mark.parametrize("path", NUL_PATHS + ODD_PATHS)
def test_odd_ids_and_paths_are_4xx_problems(client, keys, path):
    for method in ("GET", "POST"):
        response = client.open(path, method=method, json={} if method == "POST" else None,
                               headers=keys["myposter", "admin"])
        assert 400 <= response.status_code < 500, (path, method, response.status_code, response.data[:200])
        assert response.mimetype == "application/problem+json"


def test_nul_in_json_strings_is_400(client, keys):
    body = order_body("upl_x", external_id="MP-\u0000-1")
    response = client.post("/v1/orders", json=body, headers=keys["myposter", "shop"])
    assert response.status_code == 400 and "NUL" in response.get_json()["detail"]


def test_deep_json_is_refused_before_parsing(client, keys):
    deep = "[" * 50_000 + "]" * 50_000
    for path in ("/v1/orders", "/v1/quotes", "/v1/webhooks"):
        response = client.post(path, data=deep, content_type="application/json", headers=keys["myposter", "admin"])
        assert response.status_code == 400, (path, response.status_code)
        assert response.mimetype == "application/problem+json"


def test_depth_counts_brackets_outside_strings_only():
    assert json_depth('{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert json_depth("[" * (MAX_JSON_DEPTH + 5)) == MAX_JSON_DEPTH + 1  # stops once past the limit


def test_storage_fault_is_503_with_retry_after(client, keys, services, monkeypatch, photo):
    def refuse(*args, **kwargs):
        raise StorageError("S3 could not store: connection refused")

    monkeypatch.setattr(services.storage, "put_file", refuse)
    monkeypatch.setattr(services.storage, "put_bytes", refuse, raising=False)
    response = client.post("/v1/uploads", data=photo.read_bytes(),
                           headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg"})
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
    assert response.get_json()["code"] == "unavailable"


def test_database_fault_is_503_with_retry_after(client, keys, services, monkeypatch):
    from sqlalchemy.orm import Session

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    headers = keys["myposter", "shop"]
    monkeypatch.setattr(Session, "execute", down)
    response = client.get("/v1/jobs", headers=headers)
    assert response.status_code == 503 and response.headers["Retry-After"].isdigit()
