"""`render.enlarge`: the separable enlargement (zoom, polyphase mask, reduce) places every sample
where the bicubic `affine` would, at every factor and sub-pixel offset, and keeps levels."""

from __future__ import annotations

import math

import pytest


def test_the_polyphase_mask_reproduces_the_kernel_at_every_phase():
    from render.enlarge import lanczos3, polyphase_mask

    for m in (1, 2, 3, 5):
        for shift in (0.0, 0.3, -0.45, 0.9):
            weights = polyphase_mask(m, shift)
            half = len(weights) // 2
            for q in range(-6 * m, 6 * m):
                got = sum(weights[t + half] for t in range(q, q + m) if -half <= t <= half)
                assert got == pytest.approx(lanczos3((0.5 - q) / m - 0.5 + shift), abs=1e-9)


def test_integer_masks_keep_their_sum():
    from render.enlarge import integer_mask, polyphase_mask

    for m in (1, 2, 4):
        ints = integer_mask(polyphase_mask(m, 0.37), 64)
        assert sum(ints) == 64


@pytest.mark.parametrize("scale", [1.07, 1.49, 2.0, 2.6, 4.0, 7.5])
@pytest.mark.parametrize("x0", [10.3, 25.75])
def test_a_ramp_lands_where_the_edge_coordinates_say(scale, x0):
    """On a linear ramp (value = source x at the pixel centre) every output sample must read the
    source position x0 + (X + 0.5) / s - 0.5: within 0.1 source px (Lanczos-3 reproduces a ramp
    only to ~0.05 px, and libvips quantises the reduce's positions), far inside the 1 px a crop
    may be off."""
    import pyvips

    from render.enlarge import enlarge

    ramp = pyvips.Image.xyz(300, 60)[0].cast("float")
    width = int((300 - x0 - 12) * scale)
    out = enlarge(ramp, x0, 3.0, scale, scale, width, 40)
    assert (out.width, out.height) == (width, 40)
    for X in (0, 1, width // 3, width // 2, width - 2, width - 1):
        want = x0 + (X + 0.5) / scale - 0.5
        assert out.getpoint(X, 20)[0] == pytest.approx(want, abs=0.1), X
    column = pyvips.Image.xyz(60, 300)[1].cast("float")
    out = enlarge(column, 3.0, x0, scale, scale, 40, width)
    for Y in (0, width // 2, width - 1):
        assert out.getpoint(20, Y)[0] == pytest.approx(x0 + (Y + 0.5) / scale - 0.5, abs=0.1), Y


@pytest.mark.parametrize("fmt,top,tolerance", [("uchar", 255, 0), ("ushort", 65535, 0.002)])
def test_flat_areas_stay_flat_and_the_format_is_kept(fmt, top, tolerance):
    """8 bit exactly; 16 bit within 0.2 % of full scale (libvips' 16-bit `reduce` itself moves a
    flat 21845 to 21824, under a quarter of an 8-bit level, before the raster is cut to 8 bit)."""
    import pyvips

    from render.enlarge import enlarge

    for level in (0, top // 3, top):
        flat = (pyvips.Image.black(80, 60, bands=4) + level).cast(fmt)
        out = enlarge(flat, 4.2, 1.1, 1.49, 1.49, 100, 80)
        assert out.format == fmt and out.bands == 4
        assert abs(out.min() - level) <= tolerance * top and abs(out.max() - level) <= tolerance * top


def test_close_to_the_bicubic_affine_on_a_photo_like_image():
    """The two interpolations differ in their kernels, not in placement: on smooth detail they
    agree to about a level, where a sample shifted by a tenth of a pixel would differ by several."""
    import pyvips

    from render.enlarge import enlarge
    from render.resample import _affine

    field = (pyvips.Image.perlin(240, 180, cell_size=12, seed=3) * 100 + 128).cast("uchar")
    for scale in (1.49, 2.3):
        w, h = math.floor(200 * scale), math.floor(150 * scale)
        ours = enlarge(field, 7.4, 5.2, scale, scale, w, h).cast("int")
        bicubic = _affine(field, 7.4, 5.2, scale, scale, w, h, "copy", None).cast("int")
        assert (ours - bicubic).abs().avg() < 0.8
        shifted = _affine(field, 7.5, 5.2, scale, scale, w, h, "copy", None).cast("int")
        assert (ours - shifted).abs().avg() > 1.5 * (ours - bicubic).abs().avg()


def test_background_fills_beyond_the_source():
    import pyvips

    from render.enlarge import enlarge

    grey = (pyvips.Image.black(50, 50) + 100).cast("uchar")
    out = enlarge(grey, -20.0, 0.0, 2.0, 2.0, 100, 40, extend="background", background=[0])
    assert out.getpoint(5, 20)[0] == 0 and out.getpoint(90, 20)[0] == 100
