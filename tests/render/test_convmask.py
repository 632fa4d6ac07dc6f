"""`render.convmask`: integer masks run through libvips' integer convolution only where it is exact."""

from __future__ import annotations


def _usm(quarters: int) -> list[list[int]]:
    row = [1, 2, 1]
    mask = [[-quarters * a * b for b in row] for a in row]
    mask[1][1] += 64 + 16 * quarters
    return mask


def test_the_probe_finds_the_mask_libvips_gets_wrong():
    """The quarter-amount unsharp mask is wrong in libvips' 8-bit vectorised path (a known case);
    the half-amount one and every 16-bit one are exact."""
    from render.convmask import integer_is_exact

    as_key = lambda rows: tuple(tuple(r) for r in rows)  # noqa: E731
    assert not integer_is_exact(as_key(_usm(1)), 64, "uchar")
    assert integer_is_exact(as_key(_usm(2)), 64, "uchar")
    assert integer_is_exact(as_key(_usm(1)), 64, "ushort")


def test_convolve_is_right_where_libvips_integer_path_is_not():
    import pyvips

    from render.convmask import convolve

    grey = (pyvips.Image.black(30, 30) + 128).cast("uchar")
    raw = grey.conv(pyvips.Image.new_from_array(_usm(1), scale=64), precision="integer")
    assert raw.avg() != 128  # what a plain integer convolution gives (the reason for this module)
    out = convolve(grey, _usm(1), 64)
    assert out.format == "uchar" and (out.min(), out.max()) == (128, 128)
    noise = pyvips.Image.gaussnoise(64, 64, sigma=30, mean=128, seed=2).cast("uchar")
    exact = (noise.conv(pyvips.Image.new_from_array(_usm(1), scale=64), precision="float") + 0.5).floor()
    assert (convolve(noise, _usm(1), 64).cast("float") - exact.cast("uchar").cast("float")).abs().max() == 0
