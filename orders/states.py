"""Job states, the one table of transitions (which action, from where, to where, by whom), and the
order status derived from its items' jobs.

queued → rendering → rendered → (qa_pending →) approved → printed → shipped, with `failed` (a reason;
production may retry), `rejected` (QA's reason; a new image starts render version n+1) and `cancelled`
(any time before printing). Reprint sends a printed or shipped job back to the production queue.
`docs/ARCHITECTURE.md` draws this table; `orders/lifecycle.py` is the only code that applies it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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
#: Who takes an action: the API roles, plus the worker and the preflight verdict.
HUMAN_ROLES = frozenset({"shop", "qa", "production"})


@dataclass(frozen=True)
class Rule:
    """One named action on a job: the states it may start from, where it leads, and who may take it."""

    action: str
    sources: frozenset[JobState]
    target: JobState
    roles: frozenset[str]


def _rule(action: str, sources: Iterable[JobState], target: JobState, *roles: str) -> Rule:
    return Rule(action, frozenset(sources), target, frozenset(roles))


BEFORE_PRINT = (S.queued, S.rendering, S.rendered, S.qa_pending, S.approved, S.failed, S.rejected)
RULES: tuple[Rule, ...] = (
    _rule("claim_render", [S.queued], S.rendering, "worker"),
    _rule("finish_render", [S.rendering], S.rendered, "worker"),
    _rule("auto_approve", [S.rendered], S.approved, "preflight"),
    _rule("await_qa", [S.rendered], S.qa_pending, "preflight"),
    _rule("fail_render", [S.queued, S.rendering], S.failed, "worker", "system"),
    _rule("requeue_render", [S.rendering], S.queued, "worker", "system"),
    _rule("approve", [S.rendered, S.qa_pending], S.approved, "qa"),
    _rule("reject", [S.rendered, S.qa_pending, S.approved], S.rejected, "qa"),
    _rule("mark_printed", [S.approved], S.printed, "production"),
    _rule("mark_shipped", [S.printed], S.shipped, "production"),
    _rule("reprint", [S.printed, S.shipped], S.approved, "production"),
    _rule("retry", [S.failed], S.queued, "production"),
    _rule("cancel", BEFORE_PRINT, S.cancelled, "shop"),
)
RULE_BY_ACTION: dict[str, Rule] = {rule.action: rule for rule in RULES}


def _transitions() -> dict[JobState, frozenset[JobState]]:
    out: dict[JobState, set[JobState]] = {state: set() for state in JobState}
    for rule in RULES:
        for source in rule.sources:
            out[source].add(rule.target)
    return {state: frozenset(targets) for state, targets in out.items()}


TRANSITIONS: dict[JobState, frozenset[JobState]] = _transitions()
TERMINAL = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)


class IllegalTransition(ValueError):
    """An action the table does not allow from the job's state, or not for this role."""

    def __init__(self, current: JobState, wanted: JobState, action: str | None = None,
                 role: str | None = None) -> None:
        # The state allows the action, the role does not: a refusal of the role, not of the state.
        self.by_role = action is not None and role is not None and current in RULE_BY_ACTION[action].sources
        if self.by_role:
            message = f"role {role} may not {action.replace('_', ' ')}"
        else:
            allowed = ", ".join(sorted(TRANSITIONS[current])) or "none"
            message = f"cannot go from {current} to {wanted} (allowed: {allowed})"
        super().__init__(message)
        self.current, self.wanted, self.action, self.role = current, wanted, action, role


def check_transition(current: JobState, wanted: JobState) -> None:
    """Raise IllegalTransition unless some action leads from `current` to `wanted`."""
    if wanted not in TRANSITIONS[current]:
        raise IllegalTransition(current, wanted)


def check_action(action: str, current: JobState, role: str) -> Rule:
    """The rule of `action` if it may start from `current` and `role` may take it (admin takes every
    human action); IllegalTransition otherwise."""
    rule = RULE_BY_ACTION[action]
    allowed_role = role in rule.roles or (role == "admin" and bool(rule.roles & HUMAN_ROLES))
    if current not in rule.sources or not allowed_role:
        raise IllegalTransition(current, rule.target, action, role)
    return rule


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


# ---------------------------------------------------------------------- press sheets (gang sheets of cards)

class SheetState(StrEnum):
    building = "building"  # a worker imposes it
    ready = "ready"  # its PDF is stored: production prints it
    failed = "failed"  # it could not be built (a reason); its jobs are free again
    printed = "printed"  # production printed it; its jobs are printed
    cancelled = "cancelled"  # production cancelled it, or a job on it was cancelled (stale)


#: A job sits on at most one sheet in these states.
ACTIVE_SHEET_STATES = frozenset({SheetState.building, SheetState.ready})


@dataclass(frozen=True)
class SheetRule:
    action: str
    sources: frozenset[SheetState]
    target: SheetState
    roles: frozenset[str]


def _sheet_rule(action: str, sources: Iterable[SheetState], target: SheetState, *roles: str) -> SheetRule:
    return SheetRule(action, frozenset(sources), target, frozenset(roles))


SH = SheetState
SHEET_RULES: tuple[SheetRule, ...] = (
    _sheet_rule("finish_sheet", [SH.building], SH.ready, "worker"),
    _sheet_rule("fail_sheet", [SH.building], SH.failed, "worker"),
    _sheet_rule("mark_sheet_printed", [SH.ready], SH.printed, "production"),
    _sheet_rule("cancel_sheet", [SH.building, SH.ready], SH.cancelled, "production"),
    _sheet_rule("stale_sheet", [SH.building, SH.ready], SH.cancelled, "system"),
)
SHEET_RULE_BY_ACTION: dict[str, SheetRule] = {rule.action: rule for rule in SHEET_RULES}


class IllegalSheetTransition(ValueError):
    """A sheet action the table does not allow from the sheet's state, or not for this role."""

    def __init__(self, current: SheetState, action: str, role: str) -> None:
        rule = SHEET_RULE_BY_ACTION[action]
        if current in rule.sources:
            message = f"role {role} may not {action.replace('_', ' ')}"
        else:
            allowed = ", ".join(sorted(s.value for s in rule.sources))
            message = f"the sheet is {current}; {action.replace('_', ' ')} needs it {allowed}"
        super().__init__(message)
        self.current, self.action, self.role = current, action, role


def check_sheet_action(action: str, current: SheetState, role: str) -> SheetRule:
    """The rule of a sheet `action` if it may start from `current` and `role` may take it (admin takes
    production's); IllegalSheetTransition otherwise."""
    rule = SHEET_RULE_BY_ACTION[action]
    allowed_role = role in rule.roles or (role == "admin" and bool(rule.roles & HUMAN_ROLES))
    if current not in rule.sources or not allowed_role:
        raise IllegalSheetTransition(current, action, role)
    return rule
