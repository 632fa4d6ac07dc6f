"""Integer convolution masks that libvips applies exactly, or a float convolution where it would not.

libvips runs `conv(precision="integer")` on 8-bit images through a vectorised path that requantises
the mask, and for some masks that path is wrong: the 3 x 3 unsharp mask at amount 0.25 (corners -1,
edges -2, centre 76, scale 64) came out with corners +0.06, edges +0.03 and centre 1.25, so a
mid-grey 128 became 136 (+6 %), and masks at scales above 64 lose their sums (a Catmull-Rom mask at
scale 4096 turned 128 into 126). Every mask is therefore probed once per sample format: integer
convolution of a small fixed noise image against the float convolution of the same mask, rounded;
a mask whose integer result differs by more than one level anywhere, or by more than 0.05 levels
on average, runs as a float convolution (rounded back to the format) instead.
"""

from __future__ import annotations

from functools import lru_cache

import pyvips

MASK_SCALE = 64  # masks above this scale lose their sums in libvips' vectorised path (see above)
PROBE_SIZE = 48
MEAN_TOLERANCE = 0.05


def _kernel(rows: tuple[tuple[int, ...], ...], scale: int) -> pyvips.Image:
    return pyvips.Image.new_from_array([list(row) for row in rows], scale=scale)


def _float_conv(image: pyvips.Image, kernel: pyvips.Image) -> pyvips.Image:
    out = image.conv(kernel, precision="float")
    if image.format in ("uchar", "ushort"):
        return (out + 0.5).floor().cast(image.format)  # cast clips to the format's range
    return out.cast(image.format)


def _integer_conv(image: pyvips.Image, kernel: pyvips.Image) -> pyvips.Image:
    out = image.conv(kernel, precision="integer")
    return out if out.format == image.format else (out + 0.5).floor().cast(image.format)


@lru_cache(maxsize=512)
def integer_is_exact(rows: tuple[tuple[int, ...], ...], scale: int, fmt: str) -> bool:
    """Whether libvips' integer convolution of `fmt` images with this mask matches the float one."""
    kernel = _kernel(rows, scale)
    top = 65535 if fmt == "ushort" else 255
    noise = pyvips.Image.gaussnoise(PROBE_SIZE, PROBE_SIZE, sigma=top / 5, mean=top / 2, seed=7)
    ramp = pyvips.Image.xyz(PROBE_SIZE, PROBE_SIZE)[0] * (top / PROBE_SIZE)
    probe = noise.bandjoin([ramp, ramp * 0 + top, ramp * 0]).cast(fmt).copy_memory()
    diff = (_integer_conv(probe, kernel).cast("int") - _float_conv(probe, kernel).cast("int")).abs()
    return diff.max() <= 1 and diff.avg() <= MEAN_TOLERANCE


def convolve(image: pyvips.Image, rows: list[list[int]], scale: int) -> pyvips.Image:
    """`image` convolved with the integer mask rows / scale, same format out, clipped to its range."""
    key = tuple(tuple(row) for row in rows)
    kernel = _kernel(key, scale)
    if image.format in ("uchar", "ushort") and integer_is_exact(key, scale, image.format):
        return _integer_conv(image, kernel)
    return _float_conv(image, kernel)
