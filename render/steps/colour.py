"""Colour steps: read the photo's numbers (embedded profile, or sRGB assumed), convert to the product's CMYK.

Both run at the smaller of source and print resolution: after a reduction, before an enlargement
(then 16-bit sources stay 16 bit until the enlarged raster is cut to 8 bit in `scale`)."""

from __future__ import annotations

from dataclasses import replace

from render import colour
from render.steps.state import SlotState


def colour_in(state: SlotState) -> SlotState:
    prepared, how = colour.prepare(state.image, state.info.icc is not None, state.request.profile)
    return replace(state, image=prepared, colour_in=how)


def colour_out(state: SlotState) -> SlotState:
    image, request = state.image, state.request
    depth = 16 if state.place.enlarging and image.format == "ushort" else 8
    cmyk = colour.to_output(image, state.colour_in, request.profile, request.intent, depth=depth)
    return replace(state, image=cmyk)
