"""The lifecycle of orders and jobs: one method per named action, each one transaction that checks
the transition table (`orders.states.RULES`), changes the state, and writes its audit event, its feed
event and its outbox rows. Views and tasks call these and hold no lifecycle rule of their own.

Side effects leave after the commit: the rows this module writes are sent by the relay
(`queues/relay.py`); `after_commit` gets the ids of new render messages so the calling process can send
them at once (the relay catches what it misses). Modelled on saleor's `order/actions.py`.
"""

from __future__ import annotations

from orders.lifecycle.base import (
    PREFLIGHT,
    SYSTEM,
    WORKER,
    ActionRefused,
    Actor,
    LifecycleBase,
    NotFound,
    Policy,
)
from orders.lifecycle.jobs import PEOPLES_ACTIONS, Claim, JobActions, Rendered
from orders.lifecycle.orders import OrderActions
from orders.lifecycle.sheets import SheetActions, SheetBuilt, SheetCard, SheetClaim, SheetRefused


class Lifecycle(OrderActions, JobActions, SheetActions):
    """Every named action over one database (`sessions`), at the `clock`'s time, under `policy`."""


__all__ = ["PEOPLES_ACTIONS", "PREFLIGHT", "SYSTEM", "WORKER", "ActionRefused", "Actor", "Claim", "Lifecycle",
           "LifecycleBase", "NotFound", "Policy", "Rendered", "SheetBuilt", "SheetCard", "SheetClaim",
           "SheetRefused"]
