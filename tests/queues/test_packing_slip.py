"""`queues.packing_slip`: the worker builds the order's packing slip (with invoice copy) for its current
state, stores it under a key named by its content and points the order at it; nothing for an unknown
order or one of which nothing ships any more."""

from __future__ import annotations

from records.models import Order
from queues.packing_slip import refresh_packing_slip
from tests.api.helpers import order_of_lines


def _slip_key(services, order_id: str) -> str | None:
    with services.sessions() as session:
        return session.get(Order, order_id).packing_slip_key


def test_the_slip_is_stored_by_its_content_and_the_order_points_at_it(client, keys, photo, services):
    order = order_of_lines(client, keys, photo, quantities=(2, 1))
    key = refresh_packing_slip(services, order["id"])
    assert key.startswith(f"myposter/slips/{order['id']}/") and key.endswith(".pdf")
    assert _slip_key(services, order["id"]) == key
    assert services.storage.open(key).read().startswith(b"%PDF")
    assert refresh_packing_slip(services, order["id"]) == key  # the same state: the same file
    assert not list((services.settings.var_dir / "work").glob("slip-*"))  # its work folder is gone


def test_a_cancelled_line_gives_a_new_slip_and_the_old_one_stays(client, keys, photo, services):
    order = order_of_lines(client, keys, photo, quantities=(2, 1))
    first = refresh_packing_slip(services, order["id"])
    second_line = order["items"][1]["id"]
    client.post(f"/v1/orders/{order['id']}/items/{second_line}/cancel", json={}, headers=keys["myposter", "shop"])
    again = refresh_packing_slip(services, order["id"])
    assert again != first and _slip_key(services, order["id"]) == again
    assert services.storage.exists(first) and services.storage.exists(again)


def test_nothing_for_an_unknown_order_or_one_that_ships_nothing(client, keys, photo, services):
    assert refresh_packing_slip(services, "ord_nope") is None
    order = order_of_lines(client, keys, photo, quantities=(1,))
    client.post(f"/v1/orders/{order['id']}/cancel", json={}, headers=keys["myposter", "shop"])
    assert refresh_packing_slip(services, order["id"]) is None
    assert _slip_key(services, order["id"]) is None
