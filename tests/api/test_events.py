"""`api.events`: the shop's events feed, in seq order, paged by `after`, with the job data."""

from __future__ import annotations

from tests.api.helpers import order_of_lines as _order
from tests.conftest import order_body


def test_the_feed_is_in_seq_order_and_pages_by_after(client, keys, photo):
    shop = keys["myposter", "shop"]
    order = _order(client, keys, photo)
    client.post(f"/v1/orders/{order['id']}/items/{order['items'][1]['id']}/cancel", json={}, headers=shop)
    page = client.get("/v1/events?limit=2", headers=shop).get_json()
    rest = client.get(f"/v1/events?after={page['next_after']}", headers=shop).get_json()
    events = page["events"] + rest["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert [e["type"] for e in events] == ["order.created", "job.state_changed", "item.cancelled"]
    changed = events[1]["data"]
    assert changed["state"] == "cancelled" and changed["previous_state"] == "queued"
    assert {"order_id", "external_id", "item_id", "job_id", "version", "state", "previous_state", "reason",
            "quantity"} <= set(changed)


def test_events_keep_after_and_add_a_cursor(client, keys, photo):
    headers = keys["myposter", "shop"]
    upload_id = client.post("/v1/uploads", data=photo.read_bytes(),
                            headers={**headers, "Content-Type": "image/jpeg"}).get_json()["id"]
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
