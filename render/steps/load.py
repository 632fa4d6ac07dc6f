"""Load step: the photo decoded upright (shrink-on-load, first frame, EXIF orientation, alpha on white).

Orientation is part of loading: `render.source.load` turns the photo upright while it decodes,
because the shrink-on-load offsets depend on which stored edge becomes the upright top-left."""

from __future__ import annotations

from dataclasses import replace

from render import source
from render.geometry import scale_factors, shrink_on_load
from render.steps.state import SlotState


def random_access(state: SlotState) -> bool:
    """No strategy needs the whole photo decoded any more: a mirrored bleed streams too (its top
    band from a second, short decode, its bottom band from a cache of the last rows; see
    render.steps.mirror and render.steps.bleed). Kept as the one place that would say otherwise."""
    return False


def load(state: SlotState) -> SlotState:
    scale = max(scale_factors(state.box, state.geometry))
    loaded = source.load(state.info, shrink=shrink_on_load(scale), random_access=random_access(state))
    return replace(state, loaded=loaded, image=loaded.image)
