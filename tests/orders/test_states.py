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


def test_the_architecture_drawing_is_the_table():
    """docs/ARCHITECTURE.md draws the transition table; the drawing and RULES must not drift apart."""
    import re
    from pathlib import Path

    from orders.states import RULES

    doc = (Path(__file__).parents[2] / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Job states and the lifecycle"):]
    doc = section[section.index("```mermaid"):section.index("```", section.index("```mermaid") + 3)]
    drawn = {(a, b, action) for a, b, action in
             re.findall(r"^\s+(\w+) --> (\w+): (\w+)", doc, flags=re.MULTILINE) if a != "[*]"}
    table = {(source.value, rule.target.value, rule.action) for rule in RULES for source in rule.sources}
    assert drawn == table
