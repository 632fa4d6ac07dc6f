"""Bleed step: the `fit` background around the photo, then the bleed around the visible rectangle
(edge pixels repeated, mirrored, or a solid colour; a canvas wrap is the same with a wider bleed)."""

from __future__ import annotations

from dataclasses import replace

import pyvips

from profiles.catalogue import BleedStrategy
from render import colour
from render.steps.state import SlotState


def bleed(state: SlotState) -> SlotState:
    p, request, image = state.place, state.request, state.image
    if p.inset is not None:
        x, y, w, h = p.inset
        background = colour.hex_to_output(request.background, request.profile, request.intent)
        image = image.embed(x, y, w, h, extend="background", background=background)
    if p.visible_at is not None:
        image = _around(image, *p.visible_at, *p.raster, state)
    return replace(state, image=image)


def _around(visible: pyvips.Image, x: int, y: int, width: int, height: int, state: SlotState) -> pyvips.Image:
    request = state.request
    strategy = request.bleed
    if strategy is BleedStrategy.colour:
        fill = colour.hex_to_output(request.bleed_colour, request.profile, request.intent)
        return visible.embed(x, y, width, height, extend="background", background=fill)
    return visible.embed(x, y, width, height, extend="mirror" if strategy is BleedStrategy.mirror else "copy")
