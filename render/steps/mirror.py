"""A mirrored bleed (canvas wrap) of an enlargement, made from the source: the photo mirrored around
the crop, then resampled onto the whole raster in one pass, as the `image` bleed is.

Mirroring the enlarged picture instead needs its first rows before the raster's first rows are
written: they were computed a second time (the top band) and the last ones held (the bottom band)
at print resolution, in extra pipelines. canvas-120x80 from 24 MP (`printline render`, peak RSS):
221-228 MB so; 179-181 MB with the bands' source rows held and their pipelines run again; 167 MB
mirrored here (poster-50x70: 141-143 MB; the same canvas with its bleed repeated: 154-158 MB).
Here the rows the top band mirrors come from a second, short decode held in memory (~3.5 MB for
canvas-120x80, 3 bands at 8 bit), the bottom band's from a cache the main pass reads through;
the sides are mirrored by the resampling's own `extend` (on the same rows, so it streams).

The mirror's axes are the source's pixel edges nearest the crop's edges (libvips' mirror repeats
the edge pixel, as a fold does): the mirrored image starts within half a loaded pixel of the
visible edge, and the visible picture's outermost samples are interpolated against the mirrored
pixels (what the fold shows) rather than against the photo beyond the crop. A reduction is
mirrored after its resample (render.steps.bleed), where its rows are the smaller.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pyvips

from render.steps.state import Placement, SlotState

CACHE_TILE_ROWS = 16
REACH = 8  # loaded px the picture steps read beyond a sample (sharpening, the enlargement's mask, Lanczos-3)


@dataclass(frozen=True)
class Fold:
    """The source window [start, end) down the picture, and the source rows mirrored above and below."""

    start: int
    end: int
    before: int
    after: int


def window(edge: float, size: float, limit: int) -> tuple[int, int]:
    """The source px [start, end) whose pixel edges lie nearest the crop's edges (edge, edge + size)."""
    start = min(max(0, round(edge)), limit - 1)
    return start, min(max(start + 1, round(edge + size)), limit)


def fold(edge: float, size: float, margin_before: int, margin_after: int, scale: float, limit: int) -> Fold:
    """The window down the picture, and how many source rows each bleed (in output px) needs
    mirrored, the resampling's reach included; none where there is no bleed (the resampling repeats
    the edge there)."""
    reach = math.ceil(REACH / min(scale, 1.0)) + 2

    def need(margin: int) -> int:
        return math.ceil(margin / scale) + reach if margin > 0 else 0

    return Fold(*window(edge, size, limit), need(margin_before), need(margin_after))


def mirrored(state: SlotState, vx: int, vy: int, vw: int, vh: int) -> SlotState:
    """The state with its image the photo mirrored around the crop, and the placement of the whole
    raster on it (no bleed left to add). The sides are mirrored by the resampling (`extend`), which
    reads as many columns beyond the window as it needs."""
    p, image = state.place, state.image
    width, height = p.raster
    left, right = window(p.x0, vw / p.scale_x, image.width)
    down = fold(p.y0, vh / p.scale_y, vy, height - vy - vh, p.scale_y, image.height)
    extended = _extended(state, left, right, down)
    x0 = p.x0 - left - vx / p.scale_x
    y0 = p.y0 - down.start + down.before - vy / p.scale_y
    place = Placement(x0, y0, p.scale_x, p.scale_y, width, height, p.raster, inset=None, visible_at=None,
                      extend="mirror")
    return replace(state, place=place, image=extended)


def _extended(state: SlotState, left: int, right: int, down: Fold) -> pyvips.Image:
    """Source columns [left, right) of the window, mirrored up and down."""
    image = state.image
    w, h = right - left, down.end - down.start
    if state.loaded.in_memory or max(down.before, down.after) > h:
        # random access, or bands taller than the window (a tiny picture, mirrored more than once)
        crop = image.crop(left, down.start, w, h)
        held = crop if state.loaded.in_memory else crop.copy_memory()
        return held.embed(0, down.before, w, down.before + h + down.after, extend="mirror")
    return _column(state, left, w, down)


def _column(state: SlotState, left: int, w: int, down: Fold) -> pyvips.Image:
    """The window with its top rows flipped above it and its bottom rows flipped below it, read in order.

    Only the window's last rows (from the cache tile the bottom band starts in) go through the cache,
    which holds all of them: nothing else reads it, so no thread's request can find a row it dropped
    (a sequential decode cannot go back for it)."""
    image = state.image
    top, end = down.start, down.end
    parts = []
    if down.before:
        parts.append(_first_rows(state, left, top, w, down.before).flip("vertical"))
    split = max(top, (end - down.after) // CACHE_TILE_ROWS * CACHE_TILE_ROWS) if down.after else end
    if split > top:
        parts.append(image.crop(left, top, w, split - top))
    if down.after:
        tiles = math.ceil((end - split) / CACHE_TILE_ROWS) + 1
        last = image.tilecache(tile_width=image.width, tile_height=CACHE_TILE_ROWS, max_tiles=tiles,
                               access="sequential", threaded=True)
        parts.append(last.crop(left, split, w, end - split))
        parts.append(last.crop(left, end - down.after, w, down.after).flip("vertical"))
    column = parts[0]
    for part in parts[1:]:
        column = column.join(part, "vertical")
    return column


def _first_rows(state: SlotState, left: int, top: int, width: int, rows: int) -> pyvips.Image:
    """Rows of the photo from a second, short decode (stopped after them), held in memory: the
    top band reads them bottom up, before the main pass reaches them."""
    from render import source

    fresh = source.load(state.info, shrink=state.loaded.shrink).image
    return fresh.crop(left, top, width, rows).copy_memory()
