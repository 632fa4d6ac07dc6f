"""Webhooks and the events feed over the API: registration with SSRF checks, secrets shown once and
rotated, brand isolation (the feed itself: test_events.py); quantity, cancel, totals and the packing slip."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.api.helpers import order_of_lines as _order


@pytest.mark.parametrize("url", ["http://127.0.0.1/h", "http://localhost:8080/h", "http://10.0.0.7/h",
                                 "http://169.254.169.254/latest/meta-data", "http://[::1]/h",
                                 "http://[fc00::1]/h", "http://[::ffff:192.168.1.1]/h", "http://2130706433/h",
                                 "ftp://example.org/h", "file:///etc/passwd"])
def test_private_and_odd_urls_are_refused_at_registration(client, keys, url):
    response = client.post("/v1/webhooks", json={"url": url}, headers=keys["myposter", "shop"])
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert problem["code"] in {"url-private-address", "url-scheme", "url-host", "url-unresolvable"}
    assert problem["errors"][0]["field"] == "url"


def test_unknown_event_types_are_refused(client, keys):
    response = client.post("/v1/webhooks", json={"url": "https://93.184.216.34/h", "events": ["job.exploded"]},
                           headers=keys["myposter", "shop"])
    assert response.status_code == 422


def test_secret_shown_once_and_rotation(client, keys):
    shop = keys["myposter", "shop"]
    created = client.post("/v1/webhooks", json={"url": "https://93.184.216.34/hooks", "events": ["order.created"]},
                          headers=shop).get_json()
    assert created["secret"].startswith("whsec_")
    again = client.get(f"/v1/webhooks/{created['id']}", headers=shop).get_json()
    assert again["secret"] is None and again["events"] == ["order.created"]
    rotated = client.post(f"/v1/webhooks/{created['id']}/rotate", headers=shop).get_json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    assert rotated["previous_secret_expires_at"] is not None
    assert client.delete(f"/v1/webhooks/{created['id']}", headers=shop).status_code == 204
    assert client.get(f"/v1/webhooks/{created['id']}", headers=shop).status_code == 404


def test_webhooks_and_events_are_brand_scoped(client, keys, photo):
    created = client.post("/v1/webhooks", json={"url": "https://93.184.216.34/hooks"},
                          headers=keys["myposter", "shop"]).get_json()
    other = keys["kartenliebe", "shop"]
    assert client.get(f"/v1/webhooks/{created['id']}", headers=other).status_code == 404
    assert client.post(f"/v1/webhooks/{created['id']}/rotate", headers=other).status_code == 404
    assert client.get("/v1/webhooks", headers=other).get_json()["webhooks"] == []
    _order(client, keys, photo)
    mine = client.get("/v1/events", headers=keys["myposter", "shop"]).get_json()["events"]
    assert mine and client.get("/v1/events", headers=other).get_json()["events"] == []
    assert client.get("/v1/events", headers=keys["myposter", "qa"]).status_code == 403


def test_quantity_in_item_and_job_json(client, keys, photo):
    order = _order(client, keys, photo)
    assert [i["quantity"] for i in order["items"]] == [3, 1]
    job = client.get(f"/v1/jobs/{order['items'][0]['job_id']}", headers=keys["myposter", "production"]).get_json()
    assert job["quantity"] == 3
    listed = client.get("/v1/jobs", headers=keys["myposter", "production"]).get_json()["jobs"]
    assert sorted(j["quantity"] for j in listed) == [1, 3]


def test_a_cancelled_line_leaves_the_payable(client, keys, photo, services):
    order = _order(client, keys, photo)
    before = order["totals"]
    second = order["items"][1]
    after = client.post(f"/v1/orders/{order['id']}/items/{second['id']}/cancel", json={"reason": "changed mind"},
                        headers=keys["myposter", "shop"]).get_json()
    assert after["items"][1]["cancelled"] and after["items"][1]["cancel_reason"] == "changed mind"
    assert not after["items"][0]["cancelled"]
    assert after["ordered_totals"] == before
    totals = after["totals"]
    assert [line["quantity"] for line in totals["lines"]] == [3]
    assert Decimal(totals["payable"]) == Decimal(before["payable"]) - Decimal(before["lines"][1]["gross"])
    assert Decimal(totals["gross"]) == sum(Decimal(v["base"]) + Decimal(v["amount"]) for v in totals["vat"])
    assert services.queue.slips == [order["id"]]  # a worker rebuilds the slip without the line


def test_cancel_order_and_printed_items(client, keys, photo, services):
    shop = keys["myposter", "shop"]
    order = _order(client, keys, photo)
    response = client.post(f"/v1/orders/{order['id']}/cancel", headers=shop, json={})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "cancelled" and all(i["cancelled"] for i in body["items"])
    assert body["totals"]["payable"] == "0.00" and body["totals"]["lines"] == []
    again = client.post(f"/v1/orders/{order['id']}/cancel", headers=shop, json={})
    assert again.status_code == 409 and again.get_json()["code"] == "nothing-to-cancel"
    types = [e["type"] for e in client.get("/v1/events", headers=shop).get_json()["events"]]
    assert types.count("item.cancelled") == 2 and types[-1] == "order.cancelled"


def test_shipped_carries_carrier_and_tracking(client, keys, photo, services):
    from records.models import Job

    order = _order(client, keys, photo, quantities=(2,))
    job_id = order["items"][0]["job_id"]
    with services.sessions() as session:
        session.get(Job, job_id).state = "printed"
        session.commit()
    production = keys["myposter", "production"]
    shipped = client.post(f"/v1/jobs/{job_id}/shipped", json={"carrier": "DHL", "tracking_number": "JJD0001"},
                          headers=production).get_json()
    assert (shipped["state"], shipped["carrier"], shipped["tracking_number"]) == ("shipped", "DHL", "JJD0001")
    read = client.get(f"/v1/orders/{order['id']}", headers=keys["myposter", "shop"]).get_json()
    assert read["items"][0]["tracking_number"] == "JJD0001"
    [event] = [e for e in client.get("/v1/events", headers=keys["myposter", "shop"]).get_json()["events"]
               if e["data"].get("state") == "shipped"]
    assert event["data"]["carrier"] == "DHL" and event["data"]["quantity"] == 2
    reprint = client.post(f"/v1/jobs/{job_id}/reprint", json={"reason": "crushed in transit"}, headers=production)
    assert reprint.get_json()["state"] == "approved" and reprint.get_json()["reprints"] == 1
    assert client.post(f"/v1/orders/{order['id']}/items/{order['items'][0]['id']}/cancel", json={},
                       headers=keys["myposter", "shop"]).status_code == 200  # approved again: cancellable


def test_printed_items_cannot_be_cancelled(client, keys, photo, services):
    from records.models import Job

    order = _order(client, keys, photo, quantities=(1,))
    with services.sessions() as session:
        session.get(Job, order["items"][0]["job_id"]).state = "printed"
        session.commit()
    response = client.post(f"/v1/orders/{order['id']}/items/{order['items'][0]['id']}/cancel", json={},
                           headers=keys["myposter", "shop"])
    assert response.status_code == 409 and response.get_json()["code"] == "already-printed"
    assert "printed" in response.get_json()["detail"]


def test_retry_is_production_only(client, keys, photo, services):
    order = _order(client, keys, photo, quantities=(1,))
    job_id = order["items"][0]["job_id"]
    services.lifecycle.claim_render(job_id)
    from orders.reasons import ReasonCode

    services.lifecycle.fail_render(job_id, ReasonCode.image_problem, "unreadable")
    assert client.post(f"/v1/jobs/{job_id}/retry", json={}, headers=keys["myposter", "shop"]).status_code == 403
    failed = client.get(f"/v1/jobs/{job_id}", headers=keys["myposter", "shop"]).get_json()
    assert failed["reason_code"] == "image-problem"
    retried = client.post(f"/v1/jobs/{job_id}/retry", json={}, headers=keys["myposter", "production"]).get_json()
    assert retried["state"] == "queued" and retried["reason"] is None and retried["reason_code"] is None
