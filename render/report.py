"""What a slot's render reports: metrics of source, crop, scale and colour, the files, and the findings."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from profiles.catalogue import BleedStrategy, Intent
from render import preflight, resample
from vocab.findings import Finding, Verdict, verdict
from render.geometry import effective_ppi, scale_factors
from render.jpeg import jpeg_is_adobe_inverted
from render.measure import Measured
from render.request import RenderRequest
from render.source import SourceInfo
from render.steps.state import SlotState


class _Json(BaseModel):
    model_config = ConfigDict(frozen=True)


class RenderMetrics(_Json):
    """What was measured on the way: source, crop, scale and colour."""

    source_width: int
    source_height: int
    source_format: str
    source_colour_space: str
    embedded_profile: str | None
    bits: int
    frames: int
    frame_used: int
    orientation: int
    upright_width: int
    upright_height: int
    crop_px: tuple[float, float, float, float]  # x, y, w, h in upright source pixels
    crop_loss: float  # share of the upright source cut away
    scale_factor: float  # raster pixels per source pixel
    effective_ppi: float  # source pixels per inch at print size
    shrink_on_load: int
    interpolator: str  # 'lanczos3' (reduce) or the upscaling interpolator
    sharpen_sigma: float | None
    sharpen_amount: float | None
    out_of_gamut_share: float  # LittleCMS's gamut check (as tificc -g) on a ~400 px copy of the visible crop
    # of that, still out of gamut after black point compensation (shadows below the press black are not)
    out_of_gamut_visible_share: float | None = None
    max_ink_percent: float  # measured on the print file read back at preview scale (block means)
    colour_note: str | None


class RenderResult(_Json):
    """The files of one slot and what preflight found."""

    image_path: Path
    image_sha256: str  # of the raster file's bytes, which the PDF embeds as they are
    encoding: str  # 'DCT' | 'Flate'
    width_px: int
    height_px: int
    colour_space: str = "DeviceCMYK"
    bits_per_component: int = 8
    adobe_inverted: bool  # DCT only: CMYK stored inverted (Adobe APP14); PDF needs /Decode [1 0 1 0 1 0 1 0]
    icc: str  # output profile id (the PDF's OutputIntent)
    intent: Intent
    ppi: float
    bleed_strategy: BleedStrategy
    trim_px: tuple[float, float, float, float]  # visible rectangle in raster pixels
    preview_path: Path
    overlay_path: Path | None  # None when the request asked for no overlay
    preview_size: tuple[int, int]
    trim_px_in_preview: tuple[float, float, float, float]
    metrics: RenderMetrics
    findings: list[Finding]
    verdict: Verdict


def crop_loss(box: tuple[float, float, float, float], upright: tuple[int, int]) -> float:
    """Share of the upright photo outside the crop (0 for `fit`, whose box holds the whole photo)."""
    x, y, w, h = box
    uw, uh = upright
    visible = max(0.0, min(x + w, uw) - max(x, 0.0)) * max(0.0, min(y + h, uh) - max(y, 0.0))
    return max(0.0, 1.0 - visible / (uw * uh))


def metrics(state: SlotState, measured: Measured) -> RenderMetrics:
    info, box, geometry = state.info, state.box, state.geometry
    scale = max(scale_factors(box, geometry))
    sharp = resample.sharpen_params(scale, state.method) if state.method != "lanczos3" else None
    uw, uh = info.upright
    crop = (box.x, box.y, box.width, box.height)
    return RenderMetrics(
        source_width=info.width,
        source_height=info.height,
        source_format=info.format,
        source_colour_space=info.colour_space,
        embedded_profile=info.icc_name,
        bits=info.bits,
        frames=info.frames,
        frame_used=0,
        orientation=info.orientation,
        upright_width=uw,
        upright_height=uh,
        crop_px=crop,
        crop_loss=round(crop_loss(crop, info.upright), 6),
        scale_factor=round(scale, 6),
        effective_ppi=round(effective_ppi(box, geometry), 2),
        shrink_on_load=state.loaded.shrink,
        interpolator=state.method,
        sharpen_sigma=round(sharp.sigma, 3) if sharp else None,
        sharpen_amount=sharp.amount if sharp else None,
        out_of_gamut_share=round(measured.gamut, 6),
        out_of_gamut_visible_share=(
            None if measured.gamut_visible is None else round(measured.gamut_visible, 6)
        ),
        max_ink_percent=round(measured.preview.max_ink, 2),
        colour_note=state.colour_in.note,
    )


def findings(m: RenderMetrics, request: RenderRequest, info: SourceInfo) -> list[Finding]:
    rules = request.preflight
    found = [
        preflight.ppi_finding(m.effective_ppi, rules),
        preflight.upscale_finding(m.scale_factor, rules),
        preflight.crop_loss_finding(m.crop_loss, rules),
        preflight.gamut_finding(
            m.out_of_gamut_share, rules, request.profile.id, m.out_of_gamut_visible_share
        ),
        preflight.ink_finding(
            m.max_ink_percent, preflight.ink_limit(rules, request.profile.total_ink_limit)
        ),
    ]
    if info.frames > 1:
        found.append(preflight.info("first-frame-used", info.frames))
    if info.has_alpha:
        found.append(preflight.info("alpha-flattened", None))
    if info.icc is None:
        assumed = "sRGB" if info.colour_space != "cmyk" else request.profile.id
        found.append(preflight.info("profile-assumed", assumed))
    return [f for f in found if f is not None]


def result(state: SlotState, measured: Measured) -> RenderResult:
    """The slot's result from the main render's final state and its measurements."""
    request, geometry, written = state.request, state.geometry, state.written
    m = metrics(state, measured)
    found = findings(m, request, state.info)
    return RenderResult(
        image_path=written.path,
        image_sha256=written.sha256,
        encoding=written.encoding,
        width_px=state.image.width,
        height_px=state.image.height,
        adobe_inverted=written.encoding == "DCT" and jpeg_is_adobe_inverted(written.path),
        icc=request.profile.id,
        intent=request.intent,
        ppi=geometry.ppi,
        bleed_strategy=request.bleed,
        trim_px=geometry.trim_px(),
        preview_path=measured.preview.path,
        overlay_path=measured.preview.overlay_path,
        preview_size=measured.preview.size,
        trim_px_in_preview=measured.preview.trim_px,
        metrics=m,
        findings=found,
        verdict=verdict(found),
    )
