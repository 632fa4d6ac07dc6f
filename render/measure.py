"""Measurements of a slot beside its raster: soft-proof preview (and QA overlay), max ink, gamut share.

All come from one small copy of the source (shrunk on load, decoded once, held in memory), on a
second thread while the print raster streams to disk: the preview and max ink from the same steps
run at preview size, the gamut share on the crop at ~GAMUT_LONG_EDGE px.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pyvips

from vocab.spec import CropMode
from render import colour, resample, steps
from render.control import Control
from render.errors import RenderError
from render.geometry import CropBox, scale_factors, shrink_on_load
from render.integrity import check_complete, decode_checked
from render.request import RenderRequest
from render.source import Loaded, SourceInfo, load
from render.steps.crop import loaded_box
from render.steps.load import random_access
from render.steps.state import SlotState

GAMUT_LONG_EDGE = 400  # px of the reduced copy the out-of-gamut share is measured on
SMALL_COPY_BYTES = 24 << 20  # the preview's decoded source is held in memory up to this size
PREVIEW_QUALITY = 88
TRIM_LINE = [230, 0, 40]
SAFE_LINE = [0, 140, 255]


@dataclass(frozen=True)
class Preview:
    path: Path
    overlay_path: Path | None
    size: tuple[int, int]
    trim_px: tuple[float, float, float, float]  # the visible rectangle in preview pixels
    max_ink: float  # % of preview pixels (a mean over ~5 x 5 print pixels at 1200 px)


@dataclass(frozen=True)
class Measured:
    preview: Preview
    gamut: float  # out-of-gamut share of the visible crop, as LittleCMS's gamut check judges it
    gamut_visible: float | None = None  # of it, still out of gamut after black point compensation


def preview_size(request: RenderRequest) -> tuple[tuple[int, int], float]:
    """The preview's pixel size, and the ratio of preview to print raster the slot is rendered at."""
    width, height = request.geometry.pixel_size()
    ratio = request.preview_long_edge / max(width, height)
    size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    return size, min(1.0, max(size[0] / width, size[1] / height))


def _preview_cmyk(
    fresh: Callable[[float], pyvips.Image], request: RenderRequest
) -> tuple[pyvips.Image, float]:
    """The slot rendered again by the same steps at preview size (cheap: the source is shrunk
    on load), and its max ink."""
    size, ratio = preview_size(request)
    small = fresh(ratio).copy_memory()
    ink = colour.max_ink_percent(small)
    scaled = small.resize(size[0] / small.width, vscale=size[1] / small.height, kernel="lanczos3")
    if scaled.width != size[0] or scaled.height != size[1]:
        scaled = scaled.embed(0, 0, size[0], size[1], extend="copy").crop(0, 0, size[0], size[1])
    return scaled.copy(interpretation="cmyk"), ink


def _zones(request: RenderRequest, size: tuple[int, int]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Trim rectangle and safe zone in preview pixels."""
    geometry = request.geometry
    width, height = geometry.pixel_size()
    rx, ry = size[0] / width, size[1] / height
    tx, ty, tw, th = geometry.trim_px()
    trim = (tx * rx, ty * ry, tw * rx, th * ry)
    kx, ky = geometry.px_per_mm()
    safe = (
        trim[0] + geometry.safe_mm * kx * rx,
        trim[1] + geometry.safe_mm * ky * ry,
        trim[2] - 2 * geometry.safe_mm * kx * rx,
        trim[3] - 2 * geometry.safe_mm * ky * ry,
    )
    return trim, safe


def _overlay(srgb: pyvips.Image, trim: tuple[float, ...], safe: tuple[float, ...], path: Path) -> Path:
    """The preview with the trim line and the safe zone drawn on, two pixels wide.

    The one slot's own QA image, in raster pixels; an item's overlay.jpg is
    `printfiles.preview.compose_overlay`, drawn from the page frames in mm with folds and text areas
    too (build_item asks the render for none), so the two differ on purpose."""
    overlay = srgb
    for rect, ink_rgb in ((trim, TRIM_LINE), (safe, SAFE_LINE)):
        x, y, w, h = (round(v) for v in rect)
        if w > 2 and h > 2:
            overlay = overlay.draw_rect(ink_rgb, x, y, w, h, fill=False)
            overlay = overlay.draw_rect(ink_rgb, x + 1, y + 1, w - 2, h - 2, fill=False)
    overlay.jpegsave(str(path), Q=PREVIEW_QUALITY, keep=pyvips.enums.ForeignKeep.NONE)
    return path


def preview(
    fresh: Callable[[float], pyvips.Image], request: RenderRequest, out_dir: Path, name: str
) -> Preview:
    """Preview (and overlay) files, preview size, trim rectangle in preview pixels, max ink."""
    small, ink = _preview_cmyk(fresh, request)
    size = (small.width, small.height)
    srgb = colour.soft_proof(small, request.profile).copy_memory()
    path = out_dir / f"{name}-preview.jpg"
    srgb.jpegsave(str(path), Q=PREVIEW_QUALITY, keep=pyvips.enums.ForeignKeep.NONE)
    trim, safe = _zones(request, size)
    overlay = _overlay(srgb, trim, safe, out_dir / f"{name}-overlay.jpg") if request.overlay else None
    return Preview(path=path, overlay_path=overlay, size=size, trim_px=trim, max_ink=ink)


def gamut_share(
    info: SourceInfo, request: RenderRequest, box: CropBox, decoded: Loaded | None = None
) -> tuple[float, float]:
    """Out-of-gamut share on the visible crop (the whole image for `fit`) at ~GAMUT_LONG_EDGE px,
    from `decoded` (the preview's copy of the source in memory) when it has at least that resolution:
    LittleCMS's share and the share still out of gamut after black point compensation."""
    uw, uh = info.upright
    if request.mode is CropMode.fit and request.crop is None:
        box = CropBox(0.0, 0.0, float(uw), float(uh))
    ratio = GAMUT_LONG_EDGE / max(box.width, box.height)
    out_w, out_h = max(1, round(box.width * ratio)), max(1, round(box.height * ratio))
    wanted = shrink_on_load(ratio)
    loaded = decoded if decoded is not None and decoded.shrink <= wanted else load(info, shrink=wanted)
    lbox = loaded_box(box, loaded)
    small, _ = resample.resample(
        loaded.image, lbox.x, lbox.y, out_w / lbox.width, out_h / lbox.height, out_w, out_h
    )
    prepared, colour_in = colour.prepare(small.copy_memory(), info.icc is not None, request.profile)
    return colour.out_of_gamut_shares(prepared, colour_in, request.profile)


def _factor(state: SlotState) -> int:
    """The shrink-on-load of the small copy: the photo at about preview size (no 2x headroom for
    Lanczos needed; a JPEG decode costs nearly as much at 1/8 as at 1/4 scale)."""
    _, ratio = preview_size(state.request)
    small_scale = max(scale_factors(state.box, state.geometry.with_ppi(state.geometry.ppi * ratio)))
    return next((f for f in (8, 4, 2) if small_scale * f <= 1.0), 1)


def small_copy(state: SlotState) -> Loaded | None:
    """The source shrunk on load for the measurements, decoded into memory, and its data checked
    for completeness in the same decode (`render.integrity`): a 24 MP JPEG's check was a decode of
    its own, 0.10-0.25 s. None for a copy above SMALL_COPY_BYTES (each measurement then streams its
    own decode, so memory stays flat; the data is checked by `check_complete` then). Called before
    the raster and the measurements start: the check must be the only decode running."""
    info, factor = state.info, _factor(state)

    def loaded(fail_on: str = "error") -> Loaded:
        return load(info, shrink=factor, random_access=random_access(state), fail_on=fail_on)

    strict = info.format == "jpeg"
    try:
        small = loaded("warning" if strict else "error")
    except RenderError:
        if not strict:
            raise
        # libjpeg warned about the header already: decoded failing only on errors, checked on its own
        small, strict = loaded(), False
    image = small.image
    if image.width * image.height * image.bands * (2 if image.format == "ushort" else 1) > SMALL_COPY_BYTES:
        check_complete(info.path, info.format)
        return None
    if not strict:
        check_complete(info.path, info.format)
        return replace(small, image=image.copy_memory(), in_memory=True)
    image = decode_checked(lambda fail_on: (small if fail_on == "warning" else loaded()).image.copy_memory())
    return replace(small, image=image, in_memory=True)


def measure(state: SlotState, control: Control, small: Loaded | None) -> Measured:
    """Preview, ink and gamut of the slot `state` renders, from one decode: `small_copy`'s, or
    (None) each its own. `state` is the main render's, after `place`."""
    info, request, geometry = state.info, state.request, state.geometry
    factor = _factor(state)
    control.check("measure")

    def fresh(ratio: float) -> pyvips.Image:
        """The same slot rendered again from the source at `ratio` of the size."""
        again = small or load(info, shrink=factor, random_access=random_access(state))
        at = replace(state, geometry=geometry.with_ppi(geometry.ppi * ratio), loaded=again, image=again.image,
                     place=None, control=control)
        return steps.raster(at).image

    shown = preview(fresh, request, state.out_dir, state.name)
    control.check("gamut")
    raw, visible = gamut_share(info, request, state.box, small)
    return Measured(preview=shown, gamut=raw, gamut_visible=visible)
