"""Resample a source region onto the output raster with exact sub-pixel placement.

Downscaling: libvips `reduce` with a Lanczos-3 kernel (after JPEG shrink-on-load in source.py).
Upscaling: a mild unsharp mask, then the separable Lanczos-3 enlargement of `render.enlarge`
(zoom, one polyphase integer mask, `reduce`). The mask runs on the source before enlarging: both
are linear filters, so the order hardly changes the result (a 3x3 mask at source resolution is a
(3s)x(3s) mask after enlarging by s), but at source resolution it touches 1/s² as many pixels;
after the enlargement a 7x7 mask cost more than the enlargement itself (0.1 CPU s per output MP).

Why this enlargement: bench/upscale.py reduces a detailed image (texture, noise, hard edges, text,
a zone plate) by 1.1x-6x with Lanczos-3 and enlarges it back. libvips' own interpolators are
nearly a tie (LBB and Nohalo beat bicubic by 0.02-0.04 dB for 5-12x its CPU); the separable
Lanczos-3 with a quarter of unsharp mask beats the bicubic `affine` with the mask it used to have
at every factor (+0.01 to +0.12 dB, the table in the README) for about a third of its CPU (0.80
against 2.35 CPU s for 22 -> 50 MP on 4 bands at one thread). libvips' `affine` with bicubic
remains for 16-bit pixels, beyond enlarge.MAX_FACTOR, and for the sub-pixel shift after a reduction.

The enlargement stays on the 4 CMYK bands after the colour transform: on 3 RGB bands before it,
LittleCMS would convert the enlarged raster instead of the crop (bench/cpu.py `rgb-affine`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyvips

from render import convmask, enlarge

ENLARGEMENT = "lanczos3-separable"  # the report's name for the method
INTERPOLATOR = "bicubic"  # beyond enlarge.MAX_FACTOR
SHARPEN_AMOUNT = 0.25  # a multiple of 1/16 (the mask is in 64ths)
SUBPIXEL = 0.01  # output px; smaller residual offsets are not worth a resampling pass


def _pad(image: pyvips.Image, left: int, top: int, right: int, bottom: int, extend: str,
         background: list[float] | None) -> pyvips.Image:
    """The image grown by the given margins, filled by `extend` (or `background`)."""
    if not (left or top or right or bottom):
        return image
    options: dict = {"extend": extend}
    if background is not None:
        options["background"] = background
    return image.embed(left, top, image.width + left + right, image.height + top + bottom, **options)


def resample(
    image: pyvips.Image,
    x0: float,
    y0: float,
    sx: float,
    sy: float,
    width: int,
    height: int,
    *,
    extend: str = "copy",
    background: list[float] | None = None,
) -> tuple[pyvips.Image, str]:
    """A width x height image whose edge coordinate X shows source coordinate x0 + X / sx (likewise y).

    Pixels beyond the source come from `extend` ('copy' = repeated edge, 'background').
    Returns the image and the name of the method used.
    """
    if sx <= 1.0 and sy <= 1.0:
        return _reduce(image, x0, y0, sx, sy, width, height, extend, background), "lanczos3"
    if enlargement(image.format, max(sx, sy)) == ENLARGEMENT:
        out = enlarge.enlarge(image, x0, y0, sx, sy, width, height, extend=extend, background=background)
        return out, ENLARGEMENT
    return _affine(image, x0, y0, sx, sy, width, height, extend, background), INTERPOLATOR


def enlargement(fmt: str, scale: float) -> str:
    """The method an enlargement by `scale` of `fmt` pixels takes: render.enlarge's (ENLARGEMENT)
    for 8-bit up to enlarge.MAX_FACTOR, else the bicubic `affine` (INTERPOLATOR). 16-bit pixels
    take the bicubic: libvips convolves them in plain C (the separable path cost 9.2 CPU s against
    affine's 2.5 for 22 -> 50 MP on 4 16-bit bands)."""
    return ENLARGEMENT if fmt == "uchar" and scale <= enlarge.MAX_FACTOR else INTERPOLATOR


def _affine(image: pyvips.Image, x0: float, y0: float, sx: float, sy: float, width: int, height: int,
            extend: str, background: list[float] | None) -> pyvips.Image:
    """The bicubic `affine` for 16-bit pixels and for enlargements beyond enlarge.MAX_FACTOR
    (thumbnails blown up to a poster, where the polyphase mask would need 5 taps per zoom step)."""
    interpolate = pyvips.Interpolate.new(INTERPOLATOR)
    # affine's own `extend` is ~1.7x slower than its default: pad the source instead, so every
    # sample lies inside it (interpolator window: 4 px)
    pad_l = max(0, math.ceil(-x0) + 4)
    pad_t = max(0, math.ceil(-y0) + 4)
    pad_r = max(0, math.ceil(x0 + width / sx - image.width) + 4)
    pad_b = max(0, math.ceil(y0 + height / sy - image.height) + 4)
    image = _pad(image, pad_l, pad_t, pad_r, pad_b, extend, background)
    x0, y0 = x0 + pad_l, y0 + pad_t
    odx = 0.5 * sx - 0.5 - sx * x0
    ody = 0.5 * sy - 0.5 - sy * y0
    return image.affine([sx, 0, 0, sy], interpolate=interpolate, oarea=[0, 0, width, height], odx=odx, ody=ody)


def _reduce(
    image: pyvips.Image,
    x0: float,
    y0: float,
    sx: float,
    sy: float,
    width: int,
    height: int,
    extend: str,
    background: list[float] | None,
) -> pyvips.Image:
    # Crop at whole source pixels, reduce, then shift by the residual fraction (< 0.5 output px)
    # so the placement stays exact even when the "source" is a shrunk-on-load copy.
    ix, iy = math.floor(x0), math.floor(y0)
    need_w = math.ceil(width / sx) + 2
    need_h = math.ceil(height / sy) + 2
    pad_l, pad_t = max(0, -ix), max(0, -iy)
    pad_r, pad_b = max(0, ix + need_w - image.width), max(0, iy + need_h - image.height)
    image = _pad(image, pad_l, pad_t, pad_r, pad_b, extend, background)
    image = image.crop(ix + pad_l, iy + pad_t, need_w, need_h)
    if sx < 1.0 or sy < 1.0:
        image = image.reduce(1.0 / sx, 1.0 / sy, kernel="lanczos3")
    shift_x, shift_y = (x0 - ix) * sx, (y0 - iy) * sy
    if shift_x > SUBPIXEL or shift_y > SUBPIXEL:
        return image.affine(
            [1, 0, 0, 1],
            interpolate=pyvips.Interpolate.new("bicubic"),
            oarea=[0, 0, width, height],
            odx=-shift_x,
            ody=-shift_y,
            extend="copy",
        )
    if image.width < width or image.height < height:
        image = image.embed(0, 0, max(width, image.width), max(height, image.height), extend="copy")
    return image.crop(0, 0, width, height)


@dataclass(frozen=True)
class Sharpening:
    """An unsharp mask at source resolution: out = (1 + amount) * in - amount * blur(in), blur the
    mean of the four neighbours (σ ≈ 0.71 source px per axis, as the 3x3 binomial's, i.e. ≈ 0.71 *
    scale px of the enlarged raster).

    The four-neighbour form rather than the 3x3 binomial: at a quarter, libvips' 8-bit integer
    convolution gets the binomial form wrong (render.convmask; the float fallback cost ~0.7 CPU s
    per poster), and the four-neighbour form gains 0.01-0.06 dB more in bench/upscale.py."""

    amount: float  # multiple of 1/16 (four-neighbour) or 1/4 (binomial)
    scale: float
    form: str = "four-neighbour"  # or "binomial", before the bicubic (see sharpen_params)

    @property
    def sigma(self) -> float:
        """Standard deviation of the blur in print-raster px."""
        return math.sqrt(0.5) * self.scale


def sharpen_params(scale: float, method: str = ENLARGEMENT) -> Sharpening | None:
    """The unsharp mask before an enlargement by `scale` with `method` (`enlargement`'s), None below
    1.05x.

    A mask of fixed size at source resolution grows with the factor. Before the separable
    Lanczos-3 (8-bit) its amount is a quarter at every factor: that enlargement keeps more detail
    than the bicubic, and a quarter gives the best PSNR from 1.1x to 6x in bench/upscale.py (a half
    loses up to 0.18 dB and doubles the halo below 2x). Before the bicubic `affine` (16-bit, and
    beyond enlarge.MAX_FACTOR) the amount rises with the factor as the bicubic needs (0.25 below
    1.2x, 0.5 at 1.5x, 0.75 at 3x, 1.0 from 4.2x), in the 3x3 binomial form.
    """
    if scale < 1.05:
        return None
    if method == ENLARGEMENT:
        return Sharpening(amount=SHARPEN_AMOUNT, scale=scale)
    quarters = min(max(round(4 * (0.35 + 0.15 * (scale - 1.0))), 1), 4)
    return Sharpening(amount=quarters / 4, scale=scale, form="binomial")


def sharpen(image: pyvips.Image, scale: float, method: str | None = None) -> pyvips.Image:
    """Unsharp mask on every band before an enlargement by `scale` with `method` (by default the
    one `enlargement` picks for the image), same format out (clipped)."""
    params = sharpen_params(scale, method or enlargement(image.format, scale))
    if params is None:
        return image
    if params.form == "binomial":  # (1 + a) δ - a G, G = [1 2 1]ᵀ[1 2 1] / 16, in 64ths
        quarters = round(params.amount * 4)
        mask = [[-quarters * a * b for b in (1, 2, 1)] for a in (1, 2, 1)]
        mask[1][1] += 64 + 16 * quarters
    else:
        side = round(params.amount * 16)  # each neighbour's weight in 1/64: amount / 4
        mask = [[0, -side, 0], [-side, 64 + 4 * side, -side], [0, -side, 0]]
    return convmask.convolve(image, mask, 64).copy(interpretation=image.interpretation)
