"""Operators' endpoints, the OpenAPI document, the pages, and errors on unknown routes."""

from __future__ import annotations


def test_health_and_readiness(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "checks": {}}
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "ok" and set(ready["checks"]) == {"database", "broker", "storage"}


def test_readiness_names_the_part_that_is_down(client, services):
    class DownQueue:
        def send(self, job_id: str) -> None: ...

        def check(self) -> None:
            raise ConnectionError("broker unreachable")

    services.queue = DownQueue()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["broker"].startswith("error: ConnectionError")


def test_openapi_31_is_generated_from_the_request_models(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    order_schema = spec["components"]["schemas"]["OrderSpec"]
    assert {"external_id", "market", "items"} <= set(order_schema["required"])
    assert "/v1/uploads" in spec["paths"] and "/v1/jobs/{job_id}/printfile" in spec["paths"]
    assert "BearerAuth" in spec["components"]["securitySchemes"]


def test_metrics_count_jobs_by_state(client, keys, photo):
    from tests.conftest import order_body

    upload = client.post("/v1/uploads", data=photo.read_bytes(),
                         headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg"}).get_json()
    client.post("/v1/orders", json=order_body(upload["id"]), headers=keys["myposter", "shop"])
    text = client.get("/metrics").data.decode()
    assert "printline_jobs{" not in text  # per-brand counts need the metrics token (tests/api/test_degrade.py)
    assert "printline_http_requests_total" in text


def test_unknown_route_is_a_problem(client):
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"


def test_pages_are_served(client):
    import re

    for path in ("/qa", "/production"):
        response = client.get(path)
        assert response.status_code == 200
        scripts = re.findall(rb'<script src="(/pages/[\w.-]+\.js)"', response.data)
        assert scripts  # the page's code is served from the package, never inline or from outside
        for src in scripts:
            asset = client.get(src.decode())
            assert asset.status_code == 200 and "javascript" in asset.headers["Content-Type"]
        policy = response.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[-1].split(";")[0]


def test_rate_limit_answers_429(client, keys, services):
    from api.ratelimit import MemoryRateLimiter

    services.rate_limiter = MemoryRateLimiter(per_minute=2, now=lambda: 600.0)  # one fixed window
    headers = keys["myposter", "shop"]
    codes = [client.get("/v1/orders", headers=headers).status_code for _ in range(3)]
    assert codes[:2] == [200, 200] and codes[2] == 429
