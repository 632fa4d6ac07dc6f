"""Render one image slot: photo in, print-ready CMYK raster, soft-proof preview and measurements out.

load (shrink-on-load, EXIF upright, alpha on white) → crop → Lanczos reduce, or sharpen +
bicubic enlarge → ICC transform to the product's CMYK → bleed → JPEG (or Flate) written row by row.
The colour transform runs at the smaller of source and print resolution (after a reduction,
before an enlargement, in 16 bit for 16-bit sources). libvips evaluates the whole chain as one
streaming pipeline while the file is written, so peak memory grows with the raster's width, not
its area. Preview, ink and gamut measurements come from one small copy of the source (shrunk on
load, decoded once, on a second thread beside the raster): the preview and max ink from the same
pipeline run at preview size, the gamut share on the crop at ~400 px.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Self

import pyvips
from pydantic import BaseModel, ConfigDict

from orders.spec import Crop, CropMode, ImageRef
from profiles.catalogue import BleedStrategy, Intent, Preflight, Product
from profiles.icc import OutputProfile
from render import colour, preflight, resample
from render.errors import RenderError
from render.findings import Finding, Verdict, verdict
from render.geometry import (
    ASPECT_TOLERANCE,
    CropBox,
    SlotGeometry,
    aspect_mismatch,
    bleed_strategy,
    centred_box,
    crop_box,
    fit_box,
    scale_factors,
    shrink_on_load,
)
from render.source import Loaded, SourceInfo, inspect, load

GAMUT_LONG_EDGE = 400  # px of the reduced copy the out-of-gamut share is measured on
SMALL_COPY_BYTES = 24 << 20  # the preview's decoded source is held in memory up to this size

_Preview = tuple[Path, Path | None, tuple[int, int], tuple[float, float, float, float], float]
PREVIEW_QUALITY = 88
TRIM_LINE = [230, 0, 40]
SAFE_LINE = [0, 140, 255]


@dataclass(frozen=True, kw_only=True)
class RenderRequest:
    """Everything render_slot needs for one slot; built from the catalogue and the item."""

    geometry: SlotGeometry
    crop: Crop | None = None
    mode: CropMode = CropMode.fill
    background: str = "#FFFFFF"  # around a `fit` image
    bleed: BleedStrategy = BleedStrategy.image
    bleed_colour: str = "#FFFFFF"  # for BleedStrategy.colour
    profile: OutputProfile
    intent: Intent
    jpeg_quality: int = 95
    lossless: bool = False
    preflight: Preflight
    preview_long_edge: int = 1200
    overlay: bool = True  # also write the slot's preview with trim line and safe zone drawn on

    @classmethod
    def for_product(
        cls,
        product: Product,
        geometry: SlotGeometry,
        image: ImageRef | None = None,
        *,
        wrap: BleedStrategy | None = None,
        wrap_colour: str | None = None,
        preview_long_edge: int = 1200,
        overlay: bool = True,
    ) -> RenderRequest:
        """The request a worker makes for a product's slot and the item's image reference."""
        return cls(
            geometry=geometry,
            crop=image.crop if image else None,
            mode=image.mode if image else CropMode.fill,
            background=image.background if image else "#FFFFFF",
            bleed=bleed_strategy(product, wrap),
            bleed_colour=wrap_colour or product.bleed_colour,
            profile=product.profile,
            intent=product.intent,
            jpeg_quality=product.jpeg_quality,
            lossless=product.lossless,
            preflight=product.preflight,
            preview_long_edge=preview_long_edge,
            overlay=overlay,
        )


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
    out_of_gamut_share: float  # measured on a ~400 px copy of the visible crop
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


_configured = False


def _configure() -> None:
    """No libvips operation cache (a worker renders each file once; the cache would only hold
    memory), and two libvips threads per core unless VIPS_CONCURRENCY says otherwise: JPEG
    decoding and encoding run in one thread each, more workers keep the cores busy meanwhile
    (bench/render.py: 2.7 s instead of 3.1 s for poster-50x70 from 24 MP on 2 cores)."""
    global _configured
    if not _configured:
        pyvips.cache_set_max(0)
        if "VIPS_CONCURRENCY" not in os.environ:
            cores = (
                len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
            )
            pyvips.concurrency_set(min(8, 2 * cores))
        _configured = True


def _choose_box(info: SourceInfo, request: RenderRequest) -> CropBox:
    upright = info.upright
    geometry = request.geometry
    if request.crop is not None:
        c = request.crop
        box = crop_box(c.x, c.y, c.width, c.height, upright)
        if box.width < 1 or box.height < 1:
            raise RenderError(
                "The crop rectangle is smaller than one pixel of the photo; choose a larger crop."
            )
        if aspect_mismatch(box, geometry) > ASPECT_TOLERANCE:
            raise RenderError(
                f"The crop rectangle has the aspect ratio {box.width / box.height:.4f} (width/height) "
                f"but the product needs {geometry.aspect:.4f} "
                f"({geometry.width_mm:g} x {geometry.height_mm:g} mm); "
                "crop again in the editor with the product's format."
            )
        return box
    if request.mode is CropMode.fit:
        return fit_box(upright, geometry.aspect)
    if request.mode is CropMode.smart:
        return centred_box(upright, geometry.aspect, _attention_centre(info, geometry.aspect))
    return centred_box(upright, geometry.aspect)


def _attention_centre(info: SourceInfo, aspect: float) -> tuple[float, float]:
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


def _loaded_box(box: CropBox, loaded: Loaded) -> CropBox:
    s = loaded.shrink
    return CropBox(box.x / s + loaded.offset_x, box.y / s + loaded.offset_y, box.width / s, box.height / s)


def _raster(
    info: SourceInfo, request: RenderRequest, geometry: SlotGeometry, box: CropBox, loaded: Loaded
) -> tuple[pyvips.Image, colour.ColourIn, str]:
    """The full CMYK raster (lazy) of `geometry` with `box` filling the visible rectangle."""
    width, height = geometry.pixel_size()
    tx, ty, tw, th = geometry.trim_px()
    lbox = _loaded_box(box, loaded)
    sx, sy = tw / lbox.width, th / lbox.height
    image = loaded.image
    strategy = request.bleed
    profile, intent = request.profile, request.intent
    has_icc = info.icc is not None

    def cmyk_at(
        x0: float, y0: float, scale_x: float, scale_y: float, out_w: int, out_h: int, extend: str = "copy"
    ) -> tuple[pyvips.Image, colour.ColourIn, str]:
        """Resample and convert to the output CMYK, the colour transform at the smaller resolution:
        before an enlargement (then enlarge; 16-bit sources stay 16 bit until the enlarged raster
        is cut to 8 bit), after a reduction. An enlargement's sharpening comes before the colour
        transform, so the output profile's ink limit holds for the sharpened pixels too."""
        if max(scale_x, scale_y) > 1.0:
            prepared, colour_in = colour.prepare(image, has_icc, profile)
            prepared = resample.sharpen(prepared, max(scale_x, scale_y))
            depth = 16 if prepared.format == "ushort" else 8
            cmyk = colour.to_output(prepared, colour_in, profile, intent, depth=depth)
            out, method = resample.resample(cmyk, x0, y0, scale_x, scale_y, out_w, out_h, extend=extend)
            return colour.to_8bit(out), colour_in, method
        out, method = resample.resample(image, x0, y0, scale_x, scale_y, out_w, out_h, extend=extend)
        prepared, colour_in = colour.prepare(out, has_icc, profile)
        return colour.to_output(prepared, colour_in, profile, intent), colour_in, method

    if request.mode is CropMode.fit and request.crop is None:
        # the whole image, centred on the background colour inside the visible rectangle
        vx, vy = round(tx), round(ty)
        vw, vh = round(tx + tw) - vx, round(ty + th) - vy
        ix0, iy0 = round(tx - lbox.x * sx), round(ty - lbox.y * sy)
        iw = min(max(1, round(image.width * sx)), vw)
        ih = min(max(1, round(image.height * sy)), vh)
        cmyk, colour_in, method = cmyk_at(0.0, 0.0, iw / image.width, ih / image.height, iw, ih)
        bg = colour.hex_to_output(request.background, profile, intent)
        visible = cmyk.embed(ix0 - vx, iy0 - vy, vw, vh, extend="background", background=bg)
        return _bleed(visible, vx, vy, width, height, strategy, request), colour_in, method
    if strategy is BleedStrategy.image:
        x0, y0 = lbox.x - tx / sx, lbox.y - ty / sy
        return cmyk_at(x0, y0, sx, sy, width, height)
    vx, vy = round(tx), round(ty)
    vw, vh = round(tx + tw) - vx, round(ty + th) - vy
    cmyk, colour_in, method = cmyk_at(lbox.x, lbox.y, vw / lbox.width, vh / lbox.height, vw, vh)
    return _bleed(cmyk, vx, vy, width, height, strategy, request), colour_in, method


def _bleed(
    visible: pyvips.Image,
    x: int,
    y: int,
    width: int,
    height: int,
    strategy: BleedStrategy,
    request: RenderRequest,
) -> pyvips.Image:
    if strategy is BleedStrategy.colour:
        bg = colour.hex_to_output(request.bleed_colour, request.profile, request.intent)
        return visible.embed(x, y, width, height, extend="background", background=bg)
    return visible.embed(x, y, width, height, extend="mirror" if strategy is BleedStrategy.mirror else "copy")


def _write_raster(
    cmyk: pyvips.Image, out_dir: Path, name: str, request: RenderRequest
) -> tuple[Path, str, str]:
    """Encode the raster to a file while libvips computes it; returns path, encoding and the
    file's SHA-256, taken from the bytes as they are written (the PDF's placeholder and the
    preflight's known-ink lookup need it, and reading 50 MB back would cost the tail of a render)."""
    if request.lossless:
        path = out_dir / f"{name}.flate"
        return path, "Flate", _write_flate(cmyk, path)
    path = out_dir / f"{name}.jpg"
    with _HashingFile(path) as out:
        # no optimize_coding: libjpeg would then buffer every DCT coefficient of the raster (~400 MB)
        cmyk.write_to_target(
            out.target(),
            ".jpg",
            Q=request.jpeg_quality,
            subsample_mode="off",
            interlace=False,
            keep=pyvips.enums.ForeignKeep.NONE,
        )
    return path, "DCT", out.sha256


class _HashingFile:
    """A file written through a libvips custom target, hashed on the way."""

    def __init__(self, path: Path) -> None:
        self._fh = path.open("wb")
        self._digest = hashlib.sha256()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()

    def write(self, chunk: bytes) -> int:
        self._fh.write(chunk)
        self._digest.update(chunk)
        return len(chunk)

    def target(self) -> pyvips.TargetCustom:
        target = pyvips.TargetCustom()
        target.on_write(self.write)
        return target

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


def _write_flate(cmyk: pyvips.Image, path: Path) -> str:
    """Raw interleaved CMYK rows, top-down, as one zlib stream, written while libvips computes."""
    compressor = zlib.compressobj(6)
    with _HashingFile(path) as out:

        def on_write(chunk: bytes) -> int:
            out.write(compressor.compress(chunk))
            return len(chunk)

        target = pyvips.TargetCustom()
        target.on_write(on_write)
        cmyk.write_to_target(target, ".raw")
        out.write(compressor.flush())
    return out.sha256


def _is_adobe_inverted(path: Path) -> bool:
    """Does the JPEG carry an Adobe APP14 marker (libjpeg then stores CMYK inverted, as Photoshop does)?"""
    with path.open("rb") as fh:
        head = fh.read(65536)
    return b"\xff\xeeAdobe" in head or (b"Adobe" in head and b"\xff\xee" in head)


def _preview_size(request: RenderRequest) -> tuple[tuple[int, int], float]:
    """The preview's pixel size, and the ratio of preview to print raster the slot is rendered at."""
    width, height = request.geometry.pixel_size()
    ratio = request.preview_long_edge / max(width, height)
    size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    return size, min(1.0, max(size[0] / width, size[1] / height))


def _preview_cmyk(
    fresh: Callable[[float], pyvips.Image], request: RenderRequest
) -> tuple[pyvips.Image, float]:
    """The slot rendered again by the same pipeline at preview size (cheap: the source is shrunk
    on load), and its max ink (of preview pixels: a mean over ~5 x 5 print pixels at 1200 px)."""
    size, ratio = _preview_size(request)
    small = fresh(ratio).copy_memory()
    ink = colour.max_ink_percent(small)
    scaled = small.resize(size[0] / small.width, vscale=size[1] / small.height, kernel="lanczos3")
    if scaled.width != size[0] or scaled.height != size[1]:
        scaled = scaled.embed(0, 0, size[0], size[1], extend="copy").crop(0, 0, size[0], size[1])
    return scaled.copy(interpretation="cmyk"), ink


def _preview(
    fresh: Callable[[float], pyvips.Image], request: RenderRequest, out_dir: Path, name: str
) -> _Preview:
    """Preview (and overlay) files, preview size, trim rectangle in preview pixels, max ink."""
    geometry = request.geometry
    width, height = geometry.pixel_size()
    small, ink = _preview_cmyk(fresh, request)
    size = (small.width, small.height)
    srgb = small.icc_transform(
        "srgb",
        input_profile=str(request.profile.path),
        embedded=False,
        intent="relative",
        black_point_compensation=True,
        depth=8,
    ).copy_memory()
    preview_path = out_dir / f"{name}-preview.jpg"
    srgb.jpegsave(str(preview_path), Q=PREVIEW_QUALITY, keep=pyvips.enums.ForeignKeep.NONE)
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
    if not request.overlay:
        return preview_path, None, size, trim, ink
    overlay = srgb
    for rect, ink_rgb in ((trim, TRIM_LINE), (safe, SAFE_LINE)):
        x, y, w, h = (round(v) for v in rect)
        if w > 2 and h > 2:
            overlay = overlay.draw_rect(ink_rgb, x, y, w, h, fill=False)
            overlay = overlay.draw_rect(ink_rgb, x + 1, y + 1, w - 2, h - 2, fill=False)
    overlay_path = out_dir / f"{name}-overlay.jpg"
    overlay.jpegsave(str(overlay_path), Q=PREVIEW_QUALITY, keep=pyvips.enums.ForeignKeep.NONE)
    return preview_path, overlay_path, size, trim, ink


def _gamut_share(
    info: SourceInfo, request: RenderRequest, box: CropBox, decoded: Loaded | None = None
) -> float:
    """Out-of-gamut share on the visible crop (the whole image for `fit`) at ~GAMUT_LONG_EDGE px,
    from `decoded` (the preview's copy of the source in memory) when it has at least that resolution."""
    uw, uh = info.upright
    if request.mode is CropMode.fit and request.crop is None:
        box = CropBox(0.0, 0.0, float(uw), float(uh))
    ratio = GAMUT_LONG_EDGE / max(box.width, box.height)
    out_w, out_h = max(1, round(box.width * ratio)), max(1, round(box.height * ratio))
    wanted = shrink_on_load(ratio)
    loaded = decoded if decoded is not None and decoded.shrink <= wanted else load(info, shrink=wanted)
    lbox = _loaded_box(box, loaded)
    small, _ = resample.resample(
        loaded.image, lbox.x, lbox.y, out_w / lbox.width, out_h / lbox.height, out_w, out_h
    )
    prepared, colour_in = colour.prepare(small.copy_memory(), info.icc is not None, request.profile)
    return colour.out_of_gamut_share(prepared, colour_in, request.profile)


def render_slot(source: Path, request: RenderRequest, out_dir: Path, name: str = "slot") -> RenderResult:
    """Write `{name}.jpg` (or `.flate`), `{name}-preview.jpg`, `{name}-overlay.jpg`; return what was done.

    Raises RenderError when the customer's input cannot be printed as asked.
    """
    _configure()
    source = Path(source)
    out_dir.mkdir(parents=True, exist_ok=True)
    info = inspect(source)
    geometry = request.geometry
    box = _choose_box(info, request)
    sx, sy = scale_factors(box, geometry)
    scale = max(sx, sy)
    random_access = request.bleed is BleedStrategy.mirror
    loaded = load(info, shrink=shrink_on_load(scale), random_access=random_access)
    cmyk, colour_in, method = _raster(info, request, geometry, box, loaded)

    def measure() -> tuple[_Preview, float]:
        # One decode for preview, ink and gamut: the photo shrunk on load to about preview size
        # (no 2x headroom for Lanczos needed), held in memory (a JPEG decode costs nearly as much
        # at 1/8 as at 1/4 scale).
        _, ratio = _preview_size(request)
        small_scale = max(scale_factors(box, geometry.with_ppi(geometry.ppi * ratio)))
        factor = next((f for f in (8, 4, 2) if small_scale * f <= 1.0), 1)
        small: Loaded | None = load(info, shrink=factor, random_access=random_access)
        image = small.image
        size = image.width * image.height * image.bands * (2 if image.format == "ushort" else 1)
        if size <= SMALL_COPY_BYTES:
            small = replace(small, image=image.copy_memory())
        else:  # a large non-JPEG: each measurement streams its own decode (memory stays flat)
            small = None

        def fresh(ratio: float) -> pyvips.Image:
            """The same slot rendered again from the source at `ratio` of the size."""
            again = small or load(info, shrink=factor, random_access=random_access)
            return _raster(info, request, geometry.with_ppi(geometry.ppi * ratio), box, again)[0]

        return _preview(fresh, request, out_dir, name), _gamut_share(info, request, box, small)

    # The preview and the gamut share come from a small copy of their own; they run on a second
    # thread while the print raster streams to disk (libvips releases the GIL), using what the
    # raster's threads leave of the cores instead of waiting for them.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="render-measure") as pool:
        measured = pool.submit(measure)
        try:
            raster_path, encoding, raster_sha256 = _write_raster(cmyk, out_dir, name, request)
        except pyvips.Error as exc:
            measured.cancel()
            raise RenderError(
                f"The image {source.name!r} could not be decoded completely (it may be truncated "
                "or damaged); upload the original photo again."
            ) from exc
        (preview_path, overlay_path, preview_size, trim_preview, ink), gamut = measured.result()

    uw, uh = info.upright
    kx, ky = geometry.px_per_mm()
    eff_ppi = 25.4 * min(kx / sx, ky / sy)
    visible = max(0.0, min(box.x + box.width, uw) - max(box.x, 0.0)) * max(
        0.0, min(box.y + box.height, uh) - max(box.y, 0.0)
    )
    crop_loss = max(0.0, 1.0 - visible / (uw * uh))
    sharp = resample.sharpen_params(scale) if method != "lanczos3" else None
    metrics = RenderMetrics(
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
        crop_px=(box.x, box.y, box.width, box.height),
        crop_loss=round(crop_loss, 6),
        scale_factor=round(scale, 6),
        effective_ppi=round(eff_ppi, 2),
        shrink_on_load=loaded.shrink,
        interpolator=method,
        sharpen_sigma=round(sharp.sigma, 3) if sharp else None,
        sharpen_amount=sharp.amount if sharp else None,
        out_of_gamut_share=round(gamut, 6),
        max_ink_percent=round(ink, 2),
        colour_note=colour_in.note,
    )
    findings = _findings(metrics, request, info)
    width, height = cmyk.width, cmyk.height
    return RenderResult(
        image_path=raster_path,
        image_sha256=raster_sha256,
        encoding=encoding,
        width_px=width,
        height_px=height,
        adobe_inverted=encoding == "DCT" and _is_adobe_inverted(raster_path),
        icc=request.profile.id,
        intent=request.intent,
        ppi=geometry.ppi,
        bleed_strategy=request.bleed,
        trim_px=geometry.trim_px(),
        preview_path=preview_path,
        overlay_path=overlay_path,
        preview_size=preview_size,
        trim_px_in_preview=trim_preview,
        metrics=metrics,
        findings=findings,
        verdict=verdict(findings),
    )


def _findings(m: RenderMetrics, request: RenderRequest, info: SourceInfo) -> list[Finding]:
    rules = request.preflight
    found = [
        preflight.ppi_finding(m.effective_ppi, rules),
        preflight.upscale_finding(m.scale_factor, rules),
        preflight.crop_loss_finding(m.crop_loss, rules),
        preflight.gamut_finding(m.out_of_gamut_share, rules, request.profile.id),
        preflight.ink_finding(m.max_ink_percent, rules.warn_ink or request.profile.total_ink_limit),
    ]
    if info.frames > 1:
        found.append(
            preflight.info(
                "first-frame-used",
                info.frames,
                f"The file has {info.frames} frames/pages; the first one is printed.",
                f"Die Datei hat {info.frames} Bilder/Seiten; gedruckt wird das erste.",
            )
        )
    if info.has_alpha:
        found.append(
            preflight.info(
                "alpha-flattened",
                None,
                "Transparent areas are printed white.",
                "Transparente Bereiche werden weiß gedruckt.",
            )
        )
    if info.icc is None:
        found.append(
            preflight.info(
                "profile-assumed",
                "sRGB" if info.colour_space != "cmyk" else request.profile.id,
                "The photo has no colour profile; its colours were read as "
                f"{'sRGB' if info.colour_space != 'cmyk' else request.profile.id}.",
                "Das Foto hat kein Farbprofil; seine Farben wurden als "
                f"{'sRGB' if info.colour_space != 'cmyk' else request.profile.id} gelesen.",
            )
        )
    return [f for f in found if f is not None]
