"""`orders.lifecycle.jobs`: the job actions, table-driven — every person's action from every state,
allowed exactly where `orders.states.RULES` says, each one transaction with its audit event, feed
event and outbox rows; the worker's claim, finish and fail. On SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from records.models import Event, FeedEvent, Job, OrderItem, OutboxMessage
from orders.lifecycle import PEOPLES_ACTIONS, Actor, Rendered
from orders.reasons import ReasonCode
from orders.states import RULE_BY_ACTION, IllegalTransition, JobState
from tests.orders.lifecycle.helpers import ROLE_OF, S, counts, force


@pytest.mark.parametrize("action", PEOPLES_ACTIONS)
@pytest.mark.parametrize("state", list(JobState))
def test_peoples_actions_follow_the_table(services, order, action, state):
    job_id = order["items"][0]["job_id"]
    force(services, job_id, state)
    before = counts(services)
    rule = RULE_BY_ACTION[action]
    kwargs = {"reason": "because", "carrier": "DHL", "tracking_number": "00340434"}
    if state in rule.sources:
        services.lifecycle.act(action, brand="myposter", job_id=job_id, actor=Actor(ROLE_OF[action], "k"), **kwargs)
        with services.sessions() as session:
            job = session.get(Job, job_id)
            assert job.state == rule.target.value
            event = session.scalars(select(Event).where(Event.job_id == job_id).order_by(Event.id.desc())).first()
            assert (event.from_state, event.to_state, event.actor) == (state.value, rule.target.value,
                                                                      f"{ROLE_OF[action]}:k")
            feed = session.scalars(select(FeedEvent).order_by(FeedEvent.seq.desc())).first()
            assert feed.type == "job.state_changed" and feed.data["previous_state"] == state.value
            assert feed.data["quantity"] == 3 and feed.data["state"] == rule.target.value
        events, feeds, outbox = counts(services)
        assert (events, feeds) == (before[0] + 1, before[1] + 1)
        assert outbox == before[2] + (1 if action == "retry" else 0)  # retry sends a render message
    else:
        with pytest.raises(IllegalTransition):
            services.lifecycle.act(action, brand="myposter", job_id=job_id, actor=Actor(ROLE_OF[action], "k"),
                                   **kwargs)
        assert counts(services) == before  # a refused action writes nothing
        with services.sessions() as session:
            assert session.get(Job, job_id).state == state.value


@pytest.mark.parametrize("action", PEOPLES_ACTIONS)
def test_a_role_may_take_only_its_own_actions(services, order, action):
    job_id = order["items"][0]["job_id"]
    force(services, job_id, next(iter(RULE_BY_ACTION[action].sources)))
    for role in ("shop", "qa", "production"):
        if role == ROLE_OF[action]:
            continue
        with pytest.raises(IllegalTransition, match=f"role {role} may not"):
            services.lifecycle.act(action, brand="myposter", job_id=job_id, actor=Actor(role, "k"))
    services.lifecycle.act(action, brand="myposter", job_id=job_id, actor=Actor("admin", "k"), reason="admin",
                           carrier=None, tracking_number=None)


def test_a_render_cancelled_while_running_is_abandoned(services, order):
    job_id, item = order["items"][0]["job_id"], order["items"][0]
    claim = services.lifecycle.claim_render(job_id)
    assert claim.quantity == 3 and claim.attempt == 1
    services.lifecycle.cancel_item(brand="myposter", order_id=order["id"], item_id=item["id"],
                                   actor=Actor("shop", "k"))
    keys = {"printfile": "a", "preview": "b", "report": "c"}
    assert services.lifecycle.finish_render(job_id, Rendered(report={}, verdict="ok", keys=keys)) is False
    with services.sessions() as session:
        job = session.get(Job, job_id)
        assert job.state == "cancelled" and job.printfile_key is None  # its files are not used


def test_retry_clears_the_reason_and_sends_a_render(services, order):
    job_id = order["items"][0]["job_id"]
    services.lifecycle.claim_render(job_id)
    services.lifecycle.fail_render(job_id, ReasonCode.image_problem, "the photo is unreadable")
    services.queue.sent.clear()
    services.lifecycle.act("retry", brand="myposter", job_id=job_id, actor=Actor("production", "k"))
    with services.sessions() as session:
        job = session.get(Job, job_id)
        assert (job.state, job.reason, job.reason_code, job.attempts) == ("queued", None, None, 0)
    assert services.queue.sent == [job_id]  # sent right after the commit by the relay's fast path


def test_internal_failures_requeue_with_a_delay_then_fail(services, order):
    job_id = order["items"][0]["job_id"]
    for attempt in range(1, services.settings.max_attempts + 1):
        claim = services.lifecycle.claim_render(job_id)
        assert claim.attempt == attempt
        state = services.lifecycle.fail_render(job_id, ReasonCode.internal_error, "internal", retryable=True)
        assert state == ("queued" if attempt < services.settings.max_attempts else "failed")
    with services.sessions() as session:
        delayed = session.scalars(select(OutboxMessage).where(OutboxMessage.job_id == job_id,
                                                              OutboxMessage.state == "pending")).all()
        assert len(delayed) == services.settings.max_attempts - 1
        assert all(m.available_at > m.created_at for m in delayed)  # the backoff


def test_reprint_counts_and_returns_to_the_production_queue(services, order):
    job_id = order["items"][0]["job_id"]
    force(services, job_id, S.shipped)
    services.lifecycle.act("reprint", brand="myposter", job_id=job_id, actor=Actor("production", "k"),
                           reason="ink smear")
    with services.sessions() as session:
        job = session.get(Job, job_id)
        assert (job.state, job.reprints) == ("approved", 1)
        assert session.get(OrderItem, job.item_id).unit_price == Decimal(order["items"][0]["unit_price"])
