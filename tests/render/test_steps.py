"""The render's declared steps: their order per scale direction, the frozen state, the cancel check."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from render import steps
from render.control import Control
from render.pipeline import render_slot
from render.plan import plan_box
from render.source import inspect
from render.steps.state import SlotState, stage
from tests.render.helpers import px_geometry, request


def _state(photo, req, tmp_path, control=None):
    info = inspect(photo)
    box = plan_box(info.upright, req.geometry, req.crop, req.mode)
    return SlotState(info=info, request=req, geometry=req.geometry, box=box, out_dir=tmp_path, name="manual",
                     control=control or Control())


def test_the_sequence_is_declared():
    names = lambda seq: [stage(s) for s in seq]  # noqa: E731
    assert names(steps.SOURCE) == ["aim", "load", "place"]
    assert names(steps.ENLARGING) == ["colour-in", "sharpen", "colour-out", "scale"]
    assert names(steps.REDUCING) == ["scale", "colour-in", "colour-out"]
    assert names(steps.OUTPUT) == ["encode"]


@pytest.mark.parametrize(("size", "enlarging"), [((60, 80), False), ((900, 1200), True)])
def test_steps_run_by_hand_give_render_slots_raster(tmp_path, photo, size, enlarging):
    req = request(px_geometry(*size, 3))
    state = steps.run(_state(photo, req, tmp_path), steps.SOURCE)
    assert state.place.enlarging is enlarging
    assert steps.picture_steps(state)[0] is (steps.ENLARGING if enlarging else steps.REDUCING)[0]
    before = state
    state = steps.run(state, (*steps.picture_steps(state), *steps.OUTPUT))
    assert before.written is None and before.image is not state.image  # frozen: each step makes a copy
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.name = "other"  # type: ignore[misc]
    whole = render_slot(photo, req, tmp_path / "whole")
    assert state.written.sha256 == whole.image_sha256
    assert hashlib.sha256(state.written.path.read_bytes()).hexdigest() == whole.image_sha256


