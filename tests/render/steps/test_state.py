"""`render.steps.state`: the frozen state the steps pass along, each step's stage name, and `run`, which
checks the cancel token before every step."""

from __future__ import annotations

import pytest

from render import steps
from render.control import Control, RenderCancelled
from render.plan import plan_box
from render.source import inspect
from tests.render.helpers import px_geometry, request
from render.steps.state import SlotState, stage


def _state(photo, req, tmp_path, control=None):
    info = inspect(photo)
    box = plan_box(info.upright, req.geometry, req.crop, req.mode)
    return SlotState(info=info, request=req, geometry=req.geometry, box=box, out_dir=tmp_path, name="manual",
                     control=control or Control())


def test_run_checks_the_token_before_every_step(tmp_path, photo):
    ran: list[str] = []
    budget = iter(range(2))

    def cancel() -> bool:
        return next(budget, None) is None

    def spy(name):
        def step(state):
            ran.append(name)
            return state

        step.__name__ = name
        return step

    state = _state(photo, request(px_geometry(60, 80)), tmp_path, Control(cancel=cancel))
    with pytest.raises(RenderCancelled, match="before c"):
        steps.run(state, (spy("a"), spy("b"), spy("c")))
    assert ran == ["a", "b"]


def test_a_steps_stage_is_its_name_in_kebab_case():
    def colour_in(state):
        return state

    assert stage(colour_in) == "colour-in"
    assert [stage(s) for s in steps.OUTPUT] == ["encode"]


def test_the_state_is_frozen_and_steps_make_copies(tmp_path, photo):
    import dataclasses

    state = _state(photo, request(px_geometry(60, 80)), tmp_path)
    after = steps.run(state, steps.SOURCE)
    assert state.loaded is None and after.loaded is not None and after.info is state.info
    with pytest.raises(dataclasses.FrozenInstanceError):
        after.name = "other"  # type: ignore[misc]
