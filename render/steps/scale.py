"""Scale steps: the unsharp mask before an enlargement, and the resample (crop and scale in one pass)."""

from __future__ import annotations

from dataclasses import replace

from render import colour, resample
from render.steps.state import SlotState


def sharpen(state: SlotState) -> SlotState:
    """Before the colour transform, so the output profile's ink limit holds for sharpened pixels.
    At source resolution, where it touches 1/s² of the pixels it would after the enlargement
    (render/resample.py); on the 4 CMYK bands after the transform it costs about the same
    (bench/cpu.py `sharpen-cmyk`)."""
    p = state.place
    return replace(state, image=resample.sharpen(state.image, max(p.scale_x, p.scale_y)))


def scale(state: SlotState) -> SlotState:
    """Lanczos-3 reduce or the separable Lanczos-3 enlargement onto the picture's pixels (which
    holds its source in a window of strips, render.enlarge); an enlarged (16-bit) CMYK raster is
    cut to 8 bit last."""
    p = state.place
    out, method = resample.resample(state.image, p.x0, p.y0, p.scale_x, p.scale_y, p.width, p.height,
                                    extend=p.extend)
    return replace(state, image=colour.to_8bit(out) if p.enlarging else out, method=method)
