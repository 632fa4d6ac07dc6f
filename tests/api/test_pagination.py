"""`api.pagination`: opaque cursors (`[sort key, id]`) that round-trip and are refused when not ours, the
page cut at `limit`, ISO-only times and catalogue-shaped ids; and the lists that page by them."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from api.pagination import IsoTime, ProfileId, decode, encode, page
from api.problems import Problem
from tests.conftest import order_body


def test_a_cursor_round_trips_its_key_and_id():
    at = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)
    assert decode(encode(at, "ord_1"), as_datetime=True) == (at, "ord_1")
    assert decode(encode(17, 42)) == (17, 42)
    assert "=" not in encode("x" * 8, "y")  # padding stripped: safe in a query string


@pytest.mark.parametrize("cursor", [
    "bm9wZQ",  # "nope": no JSON list
    "!!!",
    base64.urlsafe_b64encode(b'["a", ["b"]]').decode(),  # an id that is no str/int
    base64.urlsafe_b64encode(b'[1, 2, 3]').decode(),
])
def test_a_cursor_not_ours_is_a_422(cursor):
    with pytest.raises(Problem) as refused:
        decode(cursor)
    assert (refused.value.status, refused.value.code) == (422, "invalid-cursor")
    assert refused.value.errors == [{"field": "cursor", "message": "invalid"}]


def test_a_time_cursor_needs_a_time_with_a_zone():
    with pytest.raises(Problem):
        decode(encode("2026-05-04T03:02:01", "ord_1"), as_datetime=True)
    with pytest.raises(Problem):
        decode(encode("yesterday", "ord_1"), as_datetime=True)


def test_a_page_is_cut_at_the_limit_and_points_after_its_last_row():
    rows = [(n, f"id{n}") for n in range(5)]
    shown, cursor = page(rows[:3], 2, key=lambda row: row)  # fetched limit + 1
    assert shown == rows[:2] and decode(cursor) == (1, "id1")
    assert page(rows[:2], 2, key=lambda row: row) == (rows[:2], None)
    assert page([], 2, key=lambda row: row) == ([], None)


def test_times_are_iso_text_with_a_zone_and_ids_have_the_catalogues_form():
    times = TypeAdapter(IsoTime)
    assert times.validate_python("2026-01-02T03:04:05Z") == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    for wrong in ("1700000000", 1700000000, 1.5, "2026-01-02T03:04:05", "soon"):  # text only, with a zone
        with pytest.raises(ValidationError):
            times.validate_python(wrong)
    ids = TypeAdapter(ProfileId)
    assert ids.validate_python("poster-50x70") == "poster-50x70"
    for wrong in ("Poster", "-x", "a b", "x" * 81):
        with pytest.raises(ValidationError):
            ids.validate_python(wrong)


@pytest.fixture
def upload_id(client, keys, photo):
    return client.post("/v1/uploads", data=photo.read_bytes(),
                       headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg"}).get_json()["id"]


def _all_pages(client, url: str, headers: dict, field: str) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        query = f"&cursor={cursor}" if cursor else ""
        body = client.get(url + query, headers=headers).get_json()
        pages.append([row["id"] for row in body[field]])
        cursor = body["next"]
        if cursor is None:
            return pages


def test_orders_and_jobs_come_in_cursor_pages(client, keys, upload_id):
    headers = keys["myposter", "shop"]
    made = [client.post("/v1/orders", json=order_body(upload_id, external_id=f"MP-{n}"), headers=headers)
            .get_json()["id"] for n in range(5)]
    pages = _all_pages(client, "/v1/orders?limit=2", headers, "orders")
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [i for p in pages for i in p] == made[::-1]
    jobs = _all_pages(client, "/v1/jobs?limit=3&state=queued&state=rendering", headers, "jobs")
    assert [len(p) for p in jobs] == [3, 2]
    assert client.get("/v1/jobs?state=approved", headers=headers).get_json()["jobs"] == []
    assert client.get("/v1/orders?product=canvas-40x30", headers=headers).get_json()["orders"] == []
    late = client.get("/v1/orders?created_after=2999-01-01T00:00:00Z", headers=headers).get_json()
    assert late == {"orders": [], "next": None}
    bad = client.get("/v1/orders?cursor=bm9wZQ", headers=headers)
    assert bad.status_code == 422 and bad.get_json()["code"] == "invalid-cursor"
