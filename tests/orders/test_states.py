"""The job state machine and the order status derived from it."""

from __future__ import annotations

import pytest

from orders.states import (
    TRANSITIONS,
    IllegalTransition,
    JobState,
    OrderStatus,
    check_transition,
    order_status,
)

S = JobState


def test_happy_path_is_allowed():
    path = [S.queued, S.rendering, S.rendered, S.qa_pending, S.approved, S.printed, S.shipped]
    for current, wanted in zip(path, path[1:]):
        check_transition(current, wanted)


@pytest.mark.parametrize(("current", "wanted"), [(S.queued, S.approved), (S.printed, S.cancelled),
                                                 (S.shipped, S.queued), (S.rejected, S.rendering),
                                                 (S.rendered, S.printed), (S.cancelled, S.queued)])
def test_illegal_transitions_are_refused(current, wanted):
    with pytest.raises(IllegalTransition, match=f"cannot go from {current} to {wanted}"):
        check_transition(current, wanted)


def test_every_state_has_a_rule():
    assert set(TRANSITIONS) == set(JobState)


@pytest.mark.parametrize(("states", "status"), [
    ([S.queued, S.approved], OrderStatus.open),
    ([S.approved, S.approved], OrderStatus.ready),
    ([S.approved, S.qa_pending], OrderStatus.in_review),
    ([S.rejected, S.approved], OrderStatus.in_review),
    ([S.failed, S.approved], OrderStatus.failed),
    ([S.printed, S.approved], OrderStatus.in_production),
    ([S.shipped, S.cancelled], OrderStatus.shipped),
    ([S.cancelled], OrderStatus.cancelled),
])
def test_order_status_is_derived_from_items(states, status):
    assert order_status(states) is status
