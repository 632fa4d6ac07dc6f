"""`render.resample`: a source region onto the output raster with exact sub-pixel placement — Lanczos-3
reduction, and before an enlargement an unsharp mask whose size grows with the factor."""

from __future__ import annotations

import pytest


def test_sharpening_grows_with_the_enlargement():
    from render.resample import SHARPEN_AMOUNT, sharpen_params

    assert sharpen_params(1.0) is None
    assert {sharpen_params(s).amount for s in (1.1, 1.5, 2.5, 4.0, 8.0)} == {SHARPEN_AMOUNT}
    assert sharpen_params(3.0).sigma > sharpen_params(1.5).sigma


def test_sharpening_keeps_flat_areas_flat_at_every_factor():
    """libvips' vectorised integer convolution got the quarter-amount mask wrong (mid-grey 128 came
    out 136); the mask now runs where it is exact, so a flat area keeps its level."""
    import pyvips

    from render.resample import sharpen

    for level in (0, 50, 128, 200, 255):
        flat = (pyvips.Image.black(40, 30, bands=3) + level).cast("uchar")
        for scale in (1.1, 1.5, 3.0):
            out = sharpen(flat, scale)
            assert out.format == "uchar" and (out.min(), out.max()) == (level, level)
    flat16 = (pyvips.Image.black(40, 30, bands=4) + 40000).cast("ushort")
    assert sharpen(flat16, 1.5).avg() == 40000


def test_resampling_places_the_region_exactly():
    import pyvips

    from render.resample import INTERPOLATOR, resample

    ramp = pyvips.Image.xyz(200, 100)[0].cast("float")  # value = x, pixel centres at x + 0.5
    reduced, method = resample(ramp, 50.0, 0.0, 0.5, 0.5, 50, 50)
    assert method == "lanczos3" and (reduced.width, reduced.height) == (50, 50)
    assert reduced.getpoint(0, 25)[0] == pytest.approx(50.5, abs=0.6)  # covers source 50..52
    assert reduced.getpoint(49, 25)[0] == pytest.approx(148.5, abs=0.6)
    enlarged, method = resample(ramp, 10.0, 0.0, 2.0, 2.0, 40, 20)
    # a float ramp takes the bicubic `affine` (only 8-bit takes render.enlarge, placed in test_enlarge)
    assert method == INTERPOLATOR and (enlarged.width, enlarged.height) == (40, 20)
    assert enlarged.getpoint(0, 10)[0] == pytest.approx(9.75, abs=0.1)  # source 10.25, a quarter pixel in
    assert enlarged.getpoint(39, 10)[0] == pytest.approx(29.25, abs=0.1)


def test_sixteen_bit_enlargements_take_the_bicubic_with_its_rising_sharpening():
    """libvips convolves 16-bit pixels in plain C, so the separable path would cost ~4x the bicubic
    there: 16-bit keeps the bicubic `affine` and the binomial mask rising with the factor."""
    import pyvips

    from render.resample import ENLARGEMENT, INTERPOLATOR, resample, sharpen_params

    amounts = [sharpen_params(s, INTERPOLATOR).amount for s in (1.1, 1.5, 3.0, 5.0)]
    assert amounts == sorted(amounts) and amounts[0] < amounts[-1] <= 1.0
    assert {sharpen_params(s, INTERPOLATOR).form for s in (1.1, 3.0)} == {"binomial"}
    deep = (pyvips.Image.xyz(60, 40)[0] * 500).cast("ushort")
    assert resample(deep, 5.0, 0.0, 1.5, 1.5, 60, 40)[1] == INTERPOLATOR
    assert resample(deep.cast("uchar"), 5.0, 0.0, 1.5, 1.5, 60, 40)[1] == ENLARGEMENT
    assert resample(deep.cast("uchar"), 0.0, 0.0, 9.0, 9.0, 60, 40)[1] == INTERPOLATOR
