"""Bleed step: the `fit` background around the photo, then the bleed around the visible rectangle
(edge pixels repeated, mirrored, or a solid colour; a canvas wrap is the same with a wider bleed).

A mirrored bleed is made at the smaller of source and print resolution, as colour is converted:
an enlargement mirrors the photo around the crop before it is resampled (render.steps.mirror,
`place`), so it never gets here. A reduction (and a `fit` picture on its background) is
mirrored here, after the resample, and streams like the rest: its top band (the first rows of
the picture, mirrored) comes from a second, short pipeline over the same source that stops after
those rows, held in memory (width x band x 4 bytes); its bottom band is mirrored from a cache of
the picture's last rows, which the main pass has just computed. The photo is never decoded whole
for it. The pixels are the same as one `embed(extend="mirror")` of the whole picture.

For an enlargement this way cost more than mirroring the source: canvas-120x80 from 24 MP peaked
at 221-228 MB (the bands at print resolution), 179-181 MB with the bands' source rows held and
their pipelines run again, 167 MB mirrored at the source (bench/memory.py). For a reduction the
source's rows are the larger: canvas-40x30 from a 16-bit TIFF (no shrink on load, 0.79x) peaked
at 260 MB here against 280-285 MB mirrored at the source.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pyvips

from profiles.catalogue import BleedStrategy
from render import colour
from render.steps.state import SlotState, run

CACHE_TILE_ROWS = 16


def bleed(state: SlotState) -> SlotState:
    image = _inset(state, state.image)
    if state.place.visible_at is not None:
        image = _around(image, *state.place.visible_at, *state.place.raster, state)
    return replace(state, image=image)


def _inset(state: SlotState, image: pyvips.Image) -> pyvips.Image:
    """`fit`: the picture on its background, the visible rectangle's size."""
    p, request = state.place, state.request
    if p.inset is None:
        return image
    x, y, w, h = p.inset
    background = colour.hex_to_output(request.background, request.profile, request.intent)
    return image.embed(x, y, w, h, extend="background", background=background)


def _around(visible: pyvips.Image, x: int, y: int, width: int, height: int, state: SlotState) -> pyvips.Image:
    request = state.request
    strategy = request.bleed
    if strategy is BleedStrategy.colour:
        fill = colour.hex_to_output(request.bleed_colour, request.profile, request.intent)
        return visible.embed(x, y, width, height, extend="background", background=fill)
    if strategy is not BleedStrategy.mirror:
        return visible.embed(x, y, width, height, extend="copy")
    bottom = height - y - visible.height
    if state.loaded.in_memory or (y == 0 and bottom == 0):
        return visible.embed(x, y, width, height, extend="mirror")
    if max(y, bottom) + 1 >= visible.height:  # bands as tall as the picture: it is tiny, hold it
        return visible.copy_memory().embed(x, y, width, height, extend="mirror")
    return _mirror_streamed(visible, x, y, width, height, state)


def _mirror_streamed(visible: pyvips.Image, x: int, y: int, width: int, height: int,
                     state: SlotState) -> pyvips.Image:
    vw, vh = visible.width, visible.height
    bottom = height - y - vh
    # rows in flight beside the band: each libvips thread may hold a strip of its own
    tiles = math.ceil((bottom + 1) / CACHE_TILE_ROWS) + 2 * pyvips.concurrency_get() + 4
    cached = visible.tilecache(tile_width=vw, tile_height=CACHE_TILE_ROWS, max_tiles=tiles,
                               access="sequential", threaded=True)
    body = cached.embed(x, 0, width, vh + bottom, extend="mirror")
    if y == 0:
        return body
    top = _again(state).crop(0, 0, vw, y + 1).copy_memory()
    head = top.embed(x, y, width, y + top.height, extend="mirror").crop(0, 0, width, y)
    return head.join(body, "vertical")


def _again(state: SlotState) -> pyvips.Image:
    """The visible picture once more, from a fresh (sequential) decode of the source."""
    from render.steps import ENLARGING, REDUCING
    from render.steps.crop import place
    from render.steps.load import load

    again = replace(state, loaded=None, image=None, place=None, control=state.control.muted())
    again = run(again, (load, place))
    again = run(again, ENLARGING if again.place.enlarging else REDUCING)
    return _inset(again, again.image)
