"""`api.metrics`: HTTP requests counted by method, endpoint and status and timed, in a registry of each
app's own; jobs by brand and state read from the database at scrape time, in the separate registry."""

from __future__ import annotations

from flask import Flask

from api.metrics import ApiMetrics, JobStateCollector
from tests.conftest import order_body


def _tiny_app(metrics: ApiMetrics) -> Flask:
    app = Flask("metrics-test")
    metrics.instrument(app)

    @app.get("/thing")
    def thing():
        return "ok"

    return app


def test_requests_are_counted_by_endpoint_and_status_and_timed():
    metrics = ApiMetrics()
    client = _tiny_app(metrics).test_client()
    for _ in range(2):
        assert client.get("/thing").status_code == 200
    assert client.get("/nowhere").status_code == 404
    value = metrics.registry.get_sample_value
    assert value("printline_http_requests_total", {"method": "GET", "endpoint": "thing", "status": "200"}) == 2
    assert value("printline_http_requests_total", {"method": "GET", "endpoint": "unknown", "status": "404"}) == 1
    assert value("printline_http_request_seconds_count", {"endpoint": "thing"}) == 2
    assert value("printline_http_request_seconds_sum", {"endpoint": "thing"}) > 0


def test_each_app_has_registries_of_its_own():
    one, two = ApiMetrics(), ApiMetrics()  # no "duplicated timeseries" from a global registry
    _tiny_app(one).test_client().get("/thing")
    labels = {"method": "GET", "endpoint": "thing", "status": "200"}
    assert one.registry.get_sample_value("printline_http_requests_total", labels) == 1
    assert two.registry.get_sample_value("printline_http_requests_total", labels) is None
    assert one.business.get_sample_value("printline_jobs", {"brand": "myposter", "state": "queued"}) is None


def test_jobs_are_counted_by_brand_and_state_at_scrape_time(client, keys, photo, services):
    collector = JobStateCollector(services.sessions)
    assert [m.samples for m in collector.collect()] == [[]]
    shop = keys["myposter", "shop"]
    upload = client.post("/v1/uploads", data=photo.read_bytes(), headers={**shop, "Content-Type": "image/jpeg"})
    for n in range(2):
        client.post("/v1/orders", json=order_body(upload.get_json()["id"], external_id=f"MP-{n}"), headers=shop)
    [family] = collector.collect()
    assert family.name == "printline_jobs"
    assert [(s.labels, s.value) for s in family.samples] == [({"brand": "myposter", "state": "queued"}, 2)]
    metrics = ApiMetrics()
    metrics.watch_jobs(services.sessions)
    assert metrics.business.get_sample_value("printline_jobs", {"brand": "myposter", "state": "queued"}) == 2


def test_metrics_count_jobs_by_state(client, keys, photo):
    upload = client.post("/v1/uploads", data=photo.read_bytes(),
                         headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg"}).get_json()
    client.post("/v1/orders", json=order_body(upload["id"]), headers=keys["myposter", "shop"])
    text = client.get("/metrics").data.decode()
    assert "printline_jobs{" not in text  # per-brand counts need the metrics token (tests/api/test_health.py)
    assert "printline_http_requests_total" in text
