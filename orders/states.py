"""Job states and the transitions between them; order status is derived from its items' jobs.

queued → rendering → rendered → (qa_pending →) approved → printed → shipped, with `failed`
(reason, may be retried), `rejected` (QA reason; a new image starts a new render version) and
`cancelled` (before rendering started).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class JobState(StrEnum):
    queued = "queued"
    rendering = "rendering"
    rendered = "rendered"
    qa_pending = "qa_pending"
    approved = "approved"
    printed = "printed"
    shipped = "shipped"
    failed = "failed"
    rejected = "rejected"
    cancelled = "cancelled"


S = JobState
TRANSITIONS: dict[JobState, frozenset[JobState]] = {
    S.queued: frozenset({S.rendering, S.failed, S.cancelled}),
    S.rendering: frozenset({S.rendered, S.failed, S.queued}),  # back to queued when a worker is lost
    S.rendered: frozenset({S.qa_pending, S.approved, S.rejected}),
    S.qa_pending: frozenset({S.approved, S.rejected}),
    S.approved: frozenset({S.printed, S.rejected}),
    S.printed: frozenset({S.shipped}),
    S.shipped: frozenset(),
    S.failed: frozenset({S.queued}),  # retry
    S.rejected: frozenset(),  # a new image makes a new job version
    S.cancelled: frozenset(),
}
TERMINAL = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)


class IllegalTransition(ValueError):
    """A state change the state machine does not allow."""

    def __init__(self, current: JobState, wanted: JobState) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none"
        super().__init__(f"cannot go from {current} to {wanted} (allowed: {allowed})")
        self.current, self.wanted = current, wanted


def check_transition(current: JobState, wanted: JobState) -> None:
    """Raise IllegalTransition unless `current → wanted` is allowed."""
    if wanted not in TRANSITIONS[current]:
        raise IllegalTransition(current, wanted)


class OrderStatus(StrEnum):
    open = "open"  # something still to render
    failed = "failed"  # an item failed and waits for a retry or a new image
    in_review = "in_review"  # all rendered, some waiting for QA or a new image after rejection
    ready = "ready"  # every live item approved
    in_production = "in_production"  # printing started
    shipped = "shipped"
    cancelled = "cancelled"


def order_status(states: Iterable[JobState]) -> OrderStatus:
    """The order's status from the current job state of each of its items."""
    live = [s for s in states if s is not S.cancelled]
    if not live:
        return OrderStatus.cancelled
    if all(s is S.shipped for s in live):
        return OrderStatus.shipped
    if any(s in (S.printed, S.shipped) for s in live):
        return OrderStatus.in_production
    if any(s is S.failed for s in live):
        return OrderStatus.failed
    if any(s in (S.queued, S.rendering) for s in live):
        return OrderStatus.open
    if all(s is S.approved for s in live):
        return OrderStatus.ready
    return OrderStatus.in_review
