"""Crop steps: aim a smart crop at libvips' attention point, and place the crop on the raster."""

from __future__ import annotations

from dataclasses import replace

import pyvips

from vocab.spec import CropMode
from profiles.catalogue import BleedStrategy
from render.errors import RenderError
from render.geometry import CropBox, centred_box
from render.source import Loaded, SourceInfo
from render.steps.mirror import mirrored
from render.steps.state import Placement, SlotState


def attention_centre(info: SourceInfo, aspect: float) -> tuple[float, float]:
    """libvips' attention point (edges, skin tones, saturation) on a small copy, in upright pixels."""
    try:
        small = pyvips.Image.thumbnail(str(info.path), 512, height=512, size="down")
        if small.hasalpha():
            small = small.flatten(background=[255] * (small.bands - 1))
        box = centred_box((small.width, small.height), aspect)
        _, found = small.smartcrop(
            max(1, int(box.width)),
            max(1, int(box.height)),
            interesting="attention",
            attention_x=True,
            attention_y=True,
        )
    except pyvips.Error as exc:
        raise RenderError(
            f"The image {info.path.name!r} cannot be decoded; upload the original photo again."
        ) from exc
    uw, uh = info.upright
    return found["attention_x"] * uw / small.width, found["attention_y"] * uh / small.height


def aim(state: SlotState) -> SlotState:
    """`smart`: the planned (centred) box moved onto the attention point; its size stays."""
    if not state.smart:
        return state
    aspect = state.geometry.aspect
    box = centred_box(state.info.upright, aspect, attention_centre(state.info, aspect))
    return replace(state, box=box, smart=False)


def loaded_box(box: CropBox, loaded: Loaded) -> CropBox:
    """A box in upright source pixels in the loaded (shrunk-on-load) image's pixels."""
    s = loaded.shrink
    return CropBox(box.x / s + loaded.offset_x, box.y / s + loaded.offset_y, box.width / s, box.height / s)


def _visible(trim: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    tx, ty, tw, th = trim
    vx, vy = round(tx), round(ty)
    return vx, vy, round(tx + tw) - vx, round(ty + th) - vy


def place(state: SlotState) -> SlotState:
    """Where the box lands on the raster: the whole raster resampled from the photo (bleed `image`),
    the visible rectangle with bleed added around it, or (`fit`) the whole photo on the background."""
    request, geometry, image = state.request, state.geometry, state.image
    raster = geometry.pixel_size()
    tx, ty, tw, th = geometry.trim_px()
    lbox = loaded_box(state.box, state.loaded)
    sx, sy = tw / lbox.width, th / lbox.height
    if request.mode is CropMode.fit and request.crop is None:
        vx, vy, vw, vh = _visible((tx, ty, tw, th))
        ix0, iy0 = round(tx - lbox.x * sx), round(ty - lbox.y * sy)
        iw = min(max(1, round(image.width * sx)), vw)
        ih = min(max(1, round(image.height * sy)), vh)
        placement = Placement(0.0, 0.0, iw / image.width, ih / image.height, iw, ih, raster,
                              inset=(ix0 - vx, iy0 - vy, vw, vh), visible_at=(vx, vy))
    elif request.bleed is BleedStrategy.image:
        placement = Placement(lbox.x - tx / sx, lbox.y - ty / sy, sx, sy, raster[0], raster[1], raster,
                              inset=None, visible_at=None)
    else:
        vx, vy, vw, vh = _visible((tx, ty, tw, th))
        placement = Placement(lbox.x, lbox.y, vw / lbox.width, vh / lbox.height, vw, vh, raster,
                              inset=None, visible_at=(vx, vy))
        if request.bleed is BleedStrategy.mirror and placement.enlarging:
            # mirrored at the smaller of source and print resolution, as colour is converted:
            # here the photo around the crop, then resampled (render.steps.mirror)
            return mirrored(replace(state, place=placement), vx, vy, vw, vh)
    return replace(state, place=placement)
