"""`records.outbox`: feed events numbered per brand, one webhook delivery per live subscribed
endpoint, outbox rows for render, slip and sheet messages, and the event object the shop sees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from records import outbox
from records.models import OutboxMessage, Webhook
from records.session import make_engine, make_sessionmaker

AT = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def sessions(database_url):
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def _hook(brand: str, events: list[str], *, deleted: bool = False) -> Webhook:
    return Webhook(brand=brand, url="https://shop.example/hook", events=events, secret="whsec_x", created_at=AT,
                   deleted_at=AT if deleted else None)


def test_seq_rises_per_brand_across_transactions(sessions):
    seen = []
    for brand in ("myposter", "myposter", "kartenliebe", "myposter"):
        with sessions() as session:
            seen.append((brand, outbox.next_seq(session, brand)))
            session.commit()
    assert seen == [("myposter", 1), ("myposter", 2), ("kartenliebe", 1), ("myposter", 3)]


def test_emit_writes_one_delivery_per_live_subscribed_endpoint(sessions):
    with sessions() as session:
        wanted = _hook("myposter", ["job.state_changed"])
        everything = _hook("myposter", ["*"])
        other_type = _hook("myposter", ["order.created"])
        deleted = _hook("myposter", ["*"], deleted=True)
        other_brand = _hook("kartenliebe", ["*"])
        session.add_all([wanted, everything, other_type, deleted, other_brand])
        session.flush()
        event = outbox.emit(session, "myposter", "job.state_changed", {"state": "queued"}, AT)
        session.commit()
        rows = session.scalars(select(OutboxMessage)).all()
    assert {r.webhook_id for r in rows} == {wanted.id, everything.id}
    assert all((r.kind, r.state, r.event_id, r.attempts, r.available_at) ==
               (outbox.WEBHOOK, outbox.PENDING, event.id, 0, AT) for r in rows)
    assert event.seq == 1


def test_subscribed_takes_the_wildcard_or_the_exact_type():
    assert outbox.subscribed(_hook("b", ["*"]), "order.created")
    assert outbox.subscribed(_hook("b", ["order.created"]), "order.created")
    assert not outbox.subscribed(_hook("b", ["order.cancelled"]), "order.created")


def test_render_slip_and_sheet_messages(sessions):
    with sessions() as session:
        render = outbox.render_message(session, "myposter", "job_1", AT, delay=timedelta(seconds=30))
        slip = outbox.slip_message(session, "myposter", "ord_1", AT)
        sheet = outbox.sheet_message(session, "myposter", "sht_1", AT)
        session.commit()
    assert (render.kind, render.job_id, render.available_at - render.created_at) == (
        "render", "job_1", timedelta(seconds=30))
    assert (slip.kind, slip.order_id, slip.available_at) == ("slip", "ord_1", AT)
    assert (sheet.kind, sheet.sheet_id, sheet.state) == ("sheet", "sht_1", "pending")


def test_event_object_is_what_the_shop_sees(sessions):
    with sessions() as session:
        live = outbox.emit(session, "myposter", "order.created", {"order_id": "ord_1"}, AT)
        sandbox = outbox.emit(session, "myposter", "order.created", {"order_id": "ord_2"}, AT, sandbox=True)
        session.commit()
        assert outbox.event_object(live) == {"id": live.id, "type": "order.created", "seq": 1,
                                             "created_at": "2026-05-04T10:00:00Z", "data": {"order_id": "ord_1"}}
        assert outbox.event_object(sandbox)["sandbox"] is True and outbox.event_object(sandbox)["seq"] == 2
