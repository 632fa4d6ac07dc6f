"""The render of one slot as a declared sequence of small steps over a frozen `SlotState`.

    aim → load → place → [colour-in → sharpen → colour-out → scale]   (enlarging)
                          [scale → colour-in → colour-out]             (reducing)
                       → bleed → encode

`aim` moves a smart crop to libvips' attention point; `load` decodes the photo upright (shrink-on-
load, EXIF orientation, alpha on white); `place` puts the crop on the raster (for a mirrored wrap
of an enlargement, on the photo mirrored around the crop: render.steps.mirror); colour is converted
at the smaller of source and print resolution, so the order of the middle steps follows the
direction of the scale. The steps only build libvips' lazy pipeline, except `encode`, which
evaluates it while writing. `run` checks the render's cancel token before each step.
Measurements (preview, ink, gamut) are in render.measure, the report in render.report.
"""

from __future__ import annotations

from render.steps.bleed import bleed
from render.steps.colour import colour_in, colour_out
from render.steps.crop import aim, place
from render.steps.encode import encode
from render.steps.load import load
from render.steps.scale import scale, sharpen
from render.steps.state import SlotState, Step, run

SOURCE: tuple[Step, ...] = (aim, load, place)
ENLARGING: tuple[Step, ...] = (colour_in, sharpen, colour_out, scale)  # colour at source resolution
REDUCING: tuple[Step, ...] = (scale, colour_in, colour_out)  # colour at print resolution
OUTPUT: tuple[Step, ...] = (encode,)


def picture_steps(state: SlotState) -> tuple[Step, ...]:
    """The steps after `place`, up to the finished (lazy) raster."""
    return (*(ENLARGING if state.place.enlarging else REDUCING), bleed)


def raster(state: SlotState) -> SlotState:
    """The lazy CMYK raster of a state whose photo is loaded: place, convert, scale, bleed."""
    state = run(state, (place,))
    return run(state, picture_steps(state))


__all__ = ["ENLARGING", "OUTPUT", "REDUCING", "SOURCE", "SlotState", "Step", "picture_steps", "raster", "run"]
