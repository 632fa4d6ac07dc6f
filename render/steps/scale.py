"""Scale steps: the unsharp mask before an enlargement, and the resample (crop and scale in one pass)."""

from __future__ import annotations

from dataclasses import replace

from render import colour, resample
from render.steps.state import SlotState


def sharpen(state: SlotState) -> SlotState:
    """Before the colour transform, so the output profile's ink limit holds for sharpened pixels."""
    p = state.place
    return replace(state, image=resample.sharpen(state.image, max(p.scale_x, p.scale_y)))


def scale(state: SlotState) -> SlotState:
    """Lanczos-3 reduce or bicubic enlarge onto the picture's pixels; an enlarged (16-bit) CMYK
    raster is cut to 8 bit last."""
    p = state.place
    out, method = resample.resample(state.image, p.x0, p.y0, p.scale_x, p.scale_y, p.width, p.height,
                                    extend="copy")
    return replace(state, image=colour.to_8bit(out) if p.enlarging else out, method=method)
