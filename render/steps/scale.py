"""Scale steps: the unsharp mask before an enlargement, and the resample (crop and scale in one pass)."""

from __future__ import annotations

import math
from dataclasses import replace

import pyvips

from render import colour, resample
from render.steps.state import SlotState

CACHE_ROWS = 16  # rows of one strip of the colour-converted source held for the enlargement
TILE = 128  # libvips' output tile edge (affine computes 128 x 128 tiles)


def sharpen(state: SlotState) -> SlotState:
    """Before the colour transform, so the output profile's ink limit holds for sharpened pixels.
    At source resolution, where it touches 1/s² of the pixels it would after the enlargement
    (render/resample.py); on the 4 CMYK bands after the transform it costs the same (bench/cpu.py
    `sharpen-cmyk` against `cmyk-cached`: 2.42 against 2.41 CPU s per print file)."""
    p = state.place
    return replace(state, image=resample.sharpen(state.image, max(p.scale_x, p.scale_y)))


def strips(image: pyvips.Image, scale_y: float) -> pyvips.Image:
    """The enlargement's source held in full-width strips while the enlargement reads it.

    `affine` asks for its source tile by tile, each output tile's source rectangle plus the
    bicubic window (128 output rows at 1.49x: 86 source rows + 3), so rows at the seams were
    converted by LittleCMS and sharpened twice. A cache of a few strips (a window of the source,
    not the image: ~2 x 95 rows x 4000 px x 4 bands = 3 MB for poster-50x70 from 24 MP) computes
    each row once, the same pixels (bench/upscale.py --render): bench/cpu.py `cmyk-cached` against
    `cmyk-affine` 2.41 against 2.43 CPU s per print file (median of 3 x 3 photos; 0.08 s best), and
    0.07-0.09 s of ~2.4 in paired runs of the step pipeline: 1-3 %, with the same wall time."""
    rows = math.ceil(TILE / max(scale_y, 1.0)) + 8
    tiles = 2 * math.ceil(rows / CACHE_ROWS) + 2 * pyvips.concurrency_get() + 2
    return image.tilecache(tile_width=image.width, tile_height=CACHE_ROWS, max_tiles=tiles,
                           access="sequential", threaded=True)


def scale(state: SlotState) -> SlotState:
    """Lanczos-3 reduce or bicubic enlarge onto the picture's pixels; an enlarged (16-bit) CMYK
    raster is cut to 8 bit last."""
    p = state.place
    image = strips(state.image, p.scale_y) if p.enlarging else state.image
    out, method = resample.resample(image, p.x0, p.y0, p.scale_x, p.scale_y, p.width, p.height,
                                    extend="copy")
    return replace(state, image=colour.to_8bit(out) if p.enlarging else out, method=method)
