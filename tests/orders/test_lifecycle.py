"""The lifecycle's named actions, table-driven: every action from every state, allowed exactly where
`orders.states.RULES` says, each one transaction with its audit event, feed event and outbox rows.
On SQLite and PostgreSQL (the `database_url` fixture)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from orders.db.models import Event, FeedEvent, Job, OrderItem, OutboxMessage
from orders.lifecycle import PEOPLES_ACTIONS, ActionRefused, Actor, Rendered
from orders.reasons import ReasonCode
from orders.states import RULE_BY_ACTION, IllegalTransition, JobState
from tests.conftest import order_body

S = JobState
ROLE_OF = {"approve": "qa", "reject": "qa", "mark_printed": "production", "mark_shipped": "production",
           "reprint": "production", "retry": "production"}


@pytest.fixture
def order(client, keys, photo) -> dict:
    shop = keys["myposter", "shop"]
    upload = client.post("/v1/uploads", data=photo.read_bytes(), headers={**shop, "Content-Type": "image/jpeg"})
    body = order_body(upload.get_json()["id"])
    body["items"] = [{**body["items"][0], "quantity": 3}, {**body["items"][0], "quantity": 1}]
    response = client.post("/v1/orders", json=body, headers=shop)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _force(services, job_id: str, state: JobState) -> None:
    """Test set-up only: put a job straight into a state, to try an action from there."""
    with services.sessions() as session:
        session.get(Job, job_id).state = state.value
        session.commit()


def _counts(services) -> tuple[int, int, int]:
    with services.sessions() as session:
        return tuple(session.scalar(select(func.count()).select_from(t)) for t in (Event, FeedEvent, OutboxMessage))


@pytest.mark.parametrize("action", PEOPLES_ACTIONS)
@pytest.mark.parametrize("state", list(JobState))
def test_peoples_actions_follow_the_table(services, order, action, state):
    job_id = order["items"][0]["job_id"]
    _force(services, job_id, state)
    before = _counts(services)
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
        events, feeds, outbox = _counts(services)
        assert (events, feeds) == (before[0] + 1, before[1] + 1)
        assert outbox == before[2] + (1 if action == "retry" else 0)  # retry sends a render message
    else:
        with pytest.raises(IllegalTransition):
            services.lifecycle.act(action, brand="myposter", job_id=job_id, actor=Actor(ROLE_OF[action], "k"),
                                   **kwargs)
        assert _counts(services) == before  # a refused action writes nothing
        with services.sessions() as session:
            assert session.get(Job, job_id).state == state.value


@pytest.mark.parametrize("action", PEOPLES_ACTIONS)
def test_a_role_may_take_only_its_own_actions(services, order, action):
    job_id = order["items"][0]["job_id"]
    _force(services, job_id, next(iter(RULE_BY_ACTION[action].sources)))
    for role in ("shop", "qa", "production"):
        if role == ROLE_OF[action]:
            continue
        with pytest.raises(IllegalTransition, match=f"role {role} may not"):
            services.lifecycle.act(action, brand="myposter", job_id=job_id, actor=Actor(role, "k"))
    services.lifecycle.act(action, brand="myposter", job_id=job_id, actor=Actor("admin", "k"), reason="admin",
                           carrier=None, tracking_number=None)


def test_another_brand_cannot_act_on_a_job(services, order):
    job_id = order["items"][0]["job_id"]
    _force(services, job_id, S.qa_pending)
    from orders.lifecycle import NotFound

    with pytest.raises(NotFound):
        services.lifecycle.act("approve", brand="kartenliebe", job_id=job_id, actor=Actor("qa", "k"))


@pytest.mark.parametrize("state", list(JobState))
def test_cancel_is_allowed_until_printed(services, order, state):
    item = order["items"][0]
    _force(services, item["job_id"], state)
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


def test_cancel_order_cancels_what_is_not_printed_and_refuses_the_rest(services, order):
    first, second = order["items"]
    _force(services, first["job_id"], S.printed)
    cancelled = services.lifecycle.cancel_order(brand="myposter", order_id=order["id"], actor=Actor("shop", "k"))
    assert cancelled == [second["id"]]
    with pytest.raises(ActionRefused) as refused:
        services.lifecycle.cancel_order(brand="myposter", order_id=order["id"], actor=Actor("shop", "k"))
    assert refused.value.code == "nothing-to-cancel"
    with pytest.raises(ActionRefused) as printed:
        services.lifecycle.cancel_item(brand="myposter", order_id=order["id"], item_id=first["id"],
                                       actor=Actor("shop", "k"))
    assert printed.value.code == "already-printed"


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


def test_feed_sequence_rises_per_brand(services, order):
    with services.sessions() as session:
        seqs = [e.seq for e in session.scalars(select(FeedEvent).where(FeedEvent.brand == "myposter")
                                               .order_by(FeedEvent.created_at, FeedEvent.seq))]
    assert seqs == list(range(1, len(seqs) + 1))


def test_reprint_counts_and_returns_to_the_production_queue(services, order):
    job_id = order["items"][0]["job_id"]
    _force(services, job_id, S.shipped)
    services.lifecycle.act("reprint", brand="myposter", job_id=job_id, actor=Actor("production", "k"),
                           reason="ink smear")
    with services.sessions() as session:
        job = session.get(Job, job_id)
        assert (job.state, job.reprints) == ("approved", 1)
        assert session.get(OrderItem, job.item_id).unit_price == Decimal(order["items"][0]["unit_price"])
