"""`orders.lifecycle.base`: what every action shares — a job is found only for its own brand, and the
feed numbers rise per brand. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from records.models import FeedEvent
from orders.lifecycle import Actor
from tests.orders.lifecycle.helpers import S, force


def test_another_brand_cannot_act_on_a_job(services, order):
    job_id = order["items"][0]["job_id"]
    force(services, job_id, S.qa_pending)
    from orders.lifecycle import NotFound

    with pytest.raises(NotFound):
        services.lifecycle.act("approve", brand="kartenliebe", job_id=job_id, actor=Actor("qa", "k"))


def test_feed_sequence_rises_per_brand(services, order):
    with services.sessions() as session:
        seqs = [e.seq for e in session.scalars(select(FeedEvent).where(FeedEvent.brand == "myposter")
                                               .order_by(FeedEvent.created_at, FeedEvent.seq))]
    assert seqs == list(range(1, len(seqs) + 1))


def test_actors_are_labelled_role_and_id():
    from orders.lifecycle import PREFLIGHT, SYSTEM, WORKER

    assert Actor("qa", "key_1").label == "qa:key_1"
    assert (WORKER.label, PREFLIGHT.label, SYSTEM.label) == (
        "worker:render", "preflight:verdict", "system:relay")


def test_refusals_carry_code_message_state_and_values():
    from orders.lifecycle import ActionRefused, NotFound

    refused = ActionRefused("not-replaceable", "The item is queued.", "queued", limit=3)
    assert (refused.code, refused.message, refused.state, refused.values, str(refused)) == (
        "not-replaceable", "The item is queued.", "queued", {"limit": 3}, "The item is queued.")
    missing = NotFound("job-not-found", "No job x.")
    assert (missing.code, missing.message) == ("job-not-found", "No job x.")
    assert isinstance(missing, LookupError)
