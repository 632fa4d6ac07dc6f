"""Resample a source region onto the output raster with exact sub-pixel placement.

Downscaling: libvips `reduce` with a Lanczos-3 kernel (after JPEG shrink-on-load in source.py).
Upscaling: an unsharp mask tuned to the scale factor, then `affine` with the bicubic interpolator.
The mask runs on the source before enlarging: both are linear filters, so the order hardly
changes the result (a 3x3 mask at source resolution is a (3s)x(3s) mask after enlarging by s),
but at source resolution it touches 1/s² as many pixels; after the enlargement a 7x7 mask cost
more than the enlargement itself (0.1 CPU s per output MP, 30 s for a 100 x 150 cm poster).

Why bicubic: bench/upscale.py reduces a detailed image (texture, noise, hard edges, text, a
zone plate) by 2x, 3x and 4x with Lanczos-3 and enlarges it back with each of libvips' own
interpolators. Quality is nearly a tie: LBB and Nohalo beat bicubic by only 0.02-0.03 dB PSNR
and leave a little less halo (0.040 vs 0.055 levels mean overshoot at 2x), while bicubic beats
bilinear clearly (+0.1-0.3 dB, a third less halo at 3x-4x). But LBB costs ~6x and Nohalo ~12x
the CPU of bicubic per output megapixel (0.18 / 0.43 vs 0.03 s/MP), and a poster is 50-200 MP
of output: LBB would add ~8 s to a 50 x 70 cm poster and ~35 s to a 100 x 150 cm one for a
difference no one sees in print. So bicubic, with the mild unsharp mask below, which gains
more (+0.05-0.17 dB) than switching interpolator would, for a little more overshoot (0.15
levels mean at 2x). The table is in the README.

libvips has no separable enlargement: `reduce` (separable, vectorised) only shrinks, and `resize`
enlarges through this same bicubic `affine` (bench/cpu.py `cmyk-resize`: 2.46 against 2.43 CPU s per
print file). The enlargement stays on the 4 CMYK bands after the colour transform: on 3
RGB bands before it, LittleCMS would convert the enlarged raster instead of the crop (`rgb-affine`:
2.74 CPU s, +0.31).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyvips

INTERPOLATOR = "bicubic"
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
    out = image.affine([sx, 0, 0, sy], interpolate=interpolate, oarea=[0, 0, width, height], odx=odx, ody=ody)
    return out, INTERPOLATOR


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


def _binomial(size: int) -> list[int]:
    row = [1]
    for _ in range(size - 1):
        row = [a + b for a, b in zip([0, *row], [*row, 0], strict=True)]
    return row


@dataclass(frozen=True)
class Sharpening:
    """An unsharp mask at source resolution: out = (1 + amount) * in - amount * blur(in), blur the
    3x3 binomial kernel (σ ≈ 0.71 source px, i.e. ≈ 0.71 * scale px of the enlarged raster)."""

    amount: float  # multiple of 0.25
    scale: float

    @property
    def sigma(self) -> float:
        """Standard deviation of the blur in print-raster px."""
        return math.sqrt(0.5) * self.scale


def sharpen_params(scale: float) -> Sharpening | None:
    """The unsharp mask for an enlargement by `scale`, None below 1.05x.

    The blur an interpolator leaves grows with the factor; a mask of fixed size at source
    resolution grows with it, and the amount rises gently (0.5 at 1.4x, 0.75 at 3x, capped at 1.0)
    so noise and JPEG blocks of small phone photos are not turned into grain (bench/upscale.py).
    """
    if scale < 1.05:
        return None
    quarters = min(max(round(4 * (0.35 + 0.15 * (scale - 1.0))), 1), 4)
    return Sharpening(amount=quarters / 4, scale=scale)


def sharpen(image: pyvips.Image, scale: float) -> pyvips.Image:
    """Unsharp mask on every band before an enlargement by `scale`, same format out (clipped)."""
    params = sharpen_params(scale)
    if params is None:
        return image
    row = _binomial(3)
    total = sum(row) ** 2
    quarters = round(params.amount * 4)
    # (1 + a) δ - a G with a = quarters / 4, all times 4 * total to stay in integers
    mask = [[-quarters * a * b for b in row] for a in row]
    mask[1][1] += 4 * total + quarters * total
    kernel = pyvips.Image.new_from_array(mask, scale=4 * total)
    fmt = image.format
    out = image.conv(kernel, precision="integer")
    if out.format != fmt:  # 16-bit comes back as float
        out = (out + 0.5).cast(fmt)
    return out.copy(interpretation=image.interpretation)
