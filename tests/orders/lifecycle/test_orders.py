"""`orders.lifecycle.orders`: the order actions — cancel a line or the whole order until printed.
On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from records.models import FeedEvent, Job, OrderItem
from orders.lifecycle import ActionRefused, Actor
from orders.states import RULE_BY_ACTION, IllegalTransition, JobState
from tests.orders.lifecycle.helpers import S, force


@pytest.mark.parametrize("state", list(JobState))
def test_cancel_is_allowed_until_printed(services, order, state):
    item = order["items"][0]
    force(services, item["job_id"], state)
    allowed = state in RULE_BY_ACTION["cancel"].sources
    if allowed:
        services.lifecycle.cancel_item(brand="myposter", order_id=order["id"], item_id=item["id"],
                                       actor=Actor("shop", "k"))
        with services.sessions() as session:
            assert session.get(Job, item["job_id"]).state == "cancelled"
            assert session.get(OrderItem, item["id"]).cancelled_at is not None
            types = [e.type for e in session.scalars(select(FeedEvent).order_by(FeedEvent.seq))]
            assert types[-2:] == ["job.state_changed", "item.cancelled"]
    else:
        with pytest.raises((ActionRefused, IllegalTransition)):
            services.lifecycle.cancel_item(brand="myposter", order_id=order["id"], item_id=item["id"],
                                           actor=Actor("shop", "k"))


def test_cancel_order_cancels_what_is_not_printed_and_refuses_the_rest(services, order):
    first, second = order["items"]
    force(services, first["job_id"], S.printed)
    cancelled = services.lifecycle.cancel_order(brand="myposter", order_id=order["id"], actor=Actor("shop", "k"))
    assert cancelled == [second["id"]]
    with pytest.raises(ActionRefused) as refused:
        services.lifecycle.cancel_order(brand="myposter", order_id=order["id"], actor=Actor("shop", "k"))
    assert refused.value.code == "nothing-to-cancel"
    with pytest.raises(ActionRefused) as printed:
        services.lifecycle.cancel_item(brand="myposter", order_id=order["id"], item_id=first["id"],
                                       actor=Actor("shop", "k"))
    assert printed.value.code == "already-printed"


def test_submit_order_repeats_the_same_order_for_the_same_body(services, order, photo, client, keys):
    from vocab.spec import OrderSpec

    with services.sessions() as session:
        from records.models import Order

        stored = session.get(Order, order["id"])
        spec = OrderSpec.model_validate(stored.spec)
    again = services.lifecycle.submit_order(brand="myposter", spec=spec, idempotency_key=None,
                                            actor=Actor("shop", "k"))
    assert (again.order_id, again.created) == (order["id"], False)
    assert sorted(again.job_ids) == sorted(i["job_id"] for i in order["items"])
    from records.intake import IntakeConflict

    with pytest.raises(IntakeConflict) as conflict:
        services.lifecycle.submit_order(brand="myposter", spec=spec.model_copy(update={"language": "en"}),
                                        idempotency_key=None, actor=Actor("shop", "k"))
    assert conflict.value.field == "external_id"


def test_replace_image_renders_a_new_version_of_a_rejected_line_only(services, order):
    item = order["items"][0]
    with pytest.raises(ActionRefused) as queued:
        services.lifecycle.replace_image(brand="myposter", order_id=order["id"], item_id=item["id"],
                                         spec={"product": "poster-50x70"}, actor=Actor("shop", "k"))
    assert (queued.value.code, queued.value.state) == ("not-replaceable", "queued")
    force(services, item["job_id"], S.rejected)
    new_job = services.lifecycle.replace_image(brand="myposter", order_id=order["id"], item_id=item["id"],
                                               spec={"product": "poster-50x70"}, actor=Actor("shop", "k"))
    with services.sessions() as session:
        line = session.get(OrderItem, item["id"])
        old, new = session.get(Job, item["job_id"]), session.get(Job, new_job)
        assert (line.current_version, new.version, new.state) == (2, 2, "queued")
        assert old.state == "rejected"  # the old version stays
    assert new_job in services.queue.sent
