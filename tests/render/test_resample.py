"""`render.resample`: a source region onto the output raster with exact sub-pixel placement — Lanczos-3
reduction, and before an enlargement an unsharp mask that grows with the factor."""

from __future__ import annotations

import pytest


def test_sharpening_grows_with_the_enlargement():
    from render.resample import sharpen_params

    assert sharpen_params(1.0) is None
    amounts = [sharpen_params(s).amount for s in (1.1, 1.5, 2.5, 4.0, 8.0)]
    assert amounts == sorted(amounts) and 0 < amounts[0] and amounts[-1] <= 1.0
    assert sharpen_params(3.0).sigma > sharpen_params(1.5).sigma


def test_resampling_places_the_region_exactly():
    import pyvips

    from render.resample import INTERPOLATOR, resample

    ramp = pyvips.Image.xyz(200, 100)[0].cast("float")  # value = x, pixel centres at x + 0.5
    reduced, method = resample(ramp, 50.0, 0.0, 0.5, 0.5, 50, 50)
    assert method == "lanczos3" and (reduced.width, reduced.height) == (50, 50)
    assert reduced.getpoint(0, 25)[0] == pytest.approx(50.5, abs=0.6)  # covers source 50..52
    assert reduced.getpoint(49, 25)[0] == pytest.approx(148.5, abs=0.6)
    enlarged, method = resample(ramp, 10.0, 0.0, 2.0, 2.0, 40, 20)
    assert method == INTERPOLATOR and (enlarged.width, enlarged.height) == (40, 20)
    assert enlarged.getpoint(0, 10)[0] == pytest.approx(9.75, abs=0.1)  # source 10.25, a quarter pixel in
    assert enlarged.getpoint(39, 10)[0] == pytest.approx(29.25, abs=0.1)
