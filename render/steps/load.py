"""Load step: the photo decoded upright (shrink-on-load, first frame, EXIF orientation, alpha on white).

Orientation is part of loading: `render.source.load` turns the photo upright while it decodes,
because the shrink-on-load offsets depend on which stored edge becomes the upright top-left."""

from __future__ import annotations

from dataclasses import replace

from profiles.catalogue import BleedStrategy
from render import source
from render.geometry import scale_factors, shrink_on_load
from render.steps.state import SlotState


def random_access(state: SlotState) -> bool:
    """Mirrored bleed reads rows out of order."""
    return state.request.bleed is BleedStrategy.mirror


def load(state: SlotState) -> SlotState:
    scale = max(scale_factors(state.box, state.geometry))
    loaded = source.load(state.info, shrink=shrink_on_load(scale), random_access=random_access(state))
    return replace(state, loaded=loaded, image=loaded.image)
