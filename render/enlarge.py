"""A separable enlargement built from libvips' fast parts: zoom, an integer mask, then `reduce`.

libvips has no separable enlargement: `affine` evaluates the bicubic's 4 x 4 window per output
sample (1.92 CPU s for 22 -> 50 MP on 4 CMYK bands held in memory, at one thread; 0.53 s of it is
`affine`'s own per-pixel cost, measured with the nearest interpolator), and `reduce`, separable and
vectorised, only shrinks. Per axis, the enlargement by s here is

1. `zoom` by the whole factor m = ceil(s): each sample repeated m times (a copy);
2. a convolution with one integer mask that turns the repeated samples into the interpolation
   kernel's values at the m phases (a polyphase filter; `polyphase_mask`), shifted by the crop's
   fraction of a source pixel so the placement stays exact;
3. `reduce` by m / s >= 1 with Lanczos-3, which libvips centres on its input (corrected for in
   the mask's shift).

Separable against `affine`, 22 -> 50 MP on 4 bands at one thread, the output summed: 0.80-0.88
against 2.35 CPU s at 1.49x, 0.44-0.46 against 1.85 at 2x, 0.48-0.57 against 2.03 at 3.7x. The picture:
bench/upscale.py's table (README), at or above the bicubic `affine` it replaces.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pyvips

from render.convmask import MASK_SCALE, convolve

REDUCE_KERNEL = "lanczos3"
MAX_FACTOR = 8.0  # beyond, render.resample uses the bicubic `affine` (the mask would grow 5 taps per step)
FINE_SCALE = 1 << 14  # 16-bit and float images: libvips' C path, exact at any scale
PAD = 4  # source px kept beyond the window on each side for the mask (its half-width <= PAD * m)
CACHE_ROWS = 16  # rows of one strip of the source held for the vertical pass
CACHE_TILE = 128  # the output rows one request of the vertical pass covers at most
EXTRA = 4  # output samples computed beyond each end for the reduce's reach (3), cut off after it


def lanczos3(x: float) -> float:
    x = abs(x)
    if x == 0.0:
        return 1.0
    if x >= 3.0:
        return 0.0
    px = math.pi * x
    return 3.0 * math.sin(px) * math.sin(px / 3.0) / (px * px)


def polyphase_mask(m: int, shift: float, kernel: Callable[[float], float] = lanczos3,
                   support: int = 3) -> list[float]:
    """Weights M[-K..K] such that y[n] = sum_k M[k] z[n + k], z the source repeated m times, is the
    kernel interpolation of the source at source position (n + 0.5) / m - 0.5 + shift.

    Zoomed sample n = m j + p sees source j's weight through the m mask taps k with
    floor((n + k) / m) = j; with q = m j - n those sums must equal T[q] = kernel((0.5 - q) / m - 0.5
    + shift) for every q, which M[q] - M[q + m] = T[q] - T[q + 1] solves (the phases of an
    interpolating kernel each sum to 1, so the solution ends)."""
    span = (support + 2) * m + 2

    def target(q: int) -> float:
        return kernel((0.5 - q) / m - 0.5 + shift)

    weights: dict[int, float] = {}
    for q in range(span + m, -span - 2 * m, -1):
        weights[q] = weights.get(q + m, 0.0) + target(q) - target(q + 1)
    used = [q for q, w in weights.items() if abs(w) > 1e-12]
    half = max(abs(min(used)), abs(max(used)))
    return [weights.get(k, 0.0) for k in range(-half, half + 1)]


def integer_mask(weights: list[float], scale: int = MASK_SCALE) -> list[int]:
    """The weights in 1/scale, rounded, their sum kept at `scale` (the remainder on the centre)."""
    ints = [round(w * scale) for w in weights]
    ints[len(ints) // 2] += scale - sum(ints)
    return ints


def _window(image: pyvips.Image, start: int, length: int, horizontal: bool, extend: str,
            background: list[float] | None) -> pyvips.Image:
    """Source px [start, start + length) along the axis; beyond the image filled by `extend`."""
    size = image.width if horizontal else image.height
    before, after = max(0, -start), max(0, start + length - size)
    if before or after:
        options: dict = {"extend": extend} if background is None else {"extend": "background",
                                                                        "background": background}
        if horizontal:
            image = image.embed(before, 0, size + before + after, image.height, **options)
        else:
            image = image.embed(0, before, image.width, size + before + after, **options)
        start += before
    if horizontal:
        return image.crop(start, 0, length, image.height)
    return image.crop(0, start, image.width, length)


def enlarge_axis(image: pyvips.Image, x0: float, s: float, length: int, horizontal: bool, *,
                 extend: str = "copy", background: list[float] | None = None) -> pyvips.Image:
    """`length` samples along one axis whose edge coordinate X shows source coordinate x0 + X / s.

    The reduce gets EXTRA output samples of real picture before the first and after the last (its
    Lanczos-3 reaches 3 output samples out), cut off after it; the zoomed samples start `lead`
    before x0, and the mask's shift places them (and undoes reduce's centring) to the exact grid."""
    m = max(1, math.ceil(s - 1e-9))
    r = m / s
    reducing = r > 1 + 1e-9
    extra = EXTRA if reducing else 0
    lead = math.ceil(extra * r)  # zoomed samples before x0
    zoomed = math.ceil((length + 2 * extra) * r) + 1  # the reduce's input
    centred = (zoomed - round(zoomed / r) * r) / 2 if reducing else 0.0  # reduce's own offset
    first = math.floor(x0)
    shift = (x0 - first) - (extra * r + centred - lead) / m
    need = math.ceil((zoomed + lead) / m) + 2 * PAD + 2  # source px from first - PAD
    window = _window(image, first - PAD, need, horizontal, extend, background)
    scale = MASK_SCALE if image.format == "uchar" else FINE_SCALE
    ints = integer_mask(polyphase_mask(m, shift), scale)
    skip = m * PAD - lead
    if horizontal:
        z = window.zoom(m, 1) if m > 1 else window
        z = convolve(z, [ints], scale).crop(skip, 0, zoomed, z.height)
        out = z.reduceh(r, kernel=REDUCE_KERNEL) if reducing else z
        return out.crop(extra, 0, length, out.height)
    z = window.zoom(1, m) if m > 1 else window
    z = convolve(z, [[v] for v in ints], scale).crop(0, skip, z.width, zoomed)
    out = z.reducev(r, kernel=REDUCE_KERNEL) if reducing else z
    return out.crop(0, extra, out.width, length)


def enlarge(image: pyvips.Image, x0: float, y0: float, sx: float, sy: float, width: int, height: int, *,
            extend: str = "copy", background: list[float] | None = None) -> pyvips.Image:
    """A width x height image whose edge coordinate (X, Y) shows source (x0 + X / sx, y0 + Y / sy).

    The columns first, on source-width rows (each thread's strips of the vertical pass are the
    narrower; the horizontal pass reaches no other row): poster-50x70 from 24 MP at 2 threads
    peaked at 68 MB against 81 MB rows first, 0.83 against 1.13 s wall, the same CPU."""
    held = _unhinted(_held(image, sy))
    columns = enlarge_axis(held, y0, sy, height, False, extend=extend, background=background)
    return enlarge_axis(columns, x0, sx, width, True, extend=extend, background=background)


def _unhinted(image: pyvips.Image) -> pyvips.Image:
    """The image without libvips' `vips-sequential` hint, so `reduce` puts no line cache of its own
    in front of the convolution: the window of `_held` already reads the source once, in order.
    poster-50x70 from 24 MP, the bare enlargement at 2 threads: 57 MB peak and 1.42 CPU s without
    the caches, 68 MB and 1.69 s with them (the bicubic `affine`: 50 MB, 2.14 s)."""
    if "vips-sequential" not in image.get_fields():
        return image
    bare = image.copy()
    bare.remove("vips-sequential")
    return bare


def _held(source: pyvips.Image, sy: float) -> pyvips.Image:
    """The source in a window of full-width strips while the vertical pass reads it.

    Each output strip of the vertical pass reaches ~(3 + PAD) source rows beyond its own; without
    the window, those rows (and everything before them: decode, colour transform, sharpening)
    were computed again for the next strip."""
    reach = math.ceil(CACHE_TILE / max(sy, 1.0)) + 2 * (3 + PAD) + 2
    tiles = 2 * math.ceil(reach / CACHE_ROWS) + 2 * pyvips.concurrency_get() + 2
    return source.tilecache(tile_width=source.width, tile_height=CACHE_ROWS, max_tiles=tiles,
                            access="sequential", threaded=True)
