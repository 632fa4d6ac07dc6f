"""`api.events`: the shop's events feed, in seq order, paged by `after`, with the job data."""

from __future__ import annotations

from tests.api.helpers import order_of_lines as _order


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
