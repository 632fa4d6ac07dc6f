"""`render.steps.scale`: the unsharp mask before an enlargement and the resample of crop and scale in one
pass, from 8- and 16-bit sources alike."""

from __future__ import annotations

import pyvips

from render.pipeline import render_slot
from tests.render.helpers import asymmetric_rgb, px_geometry, read_cmyk, request


def test_sixteen_bit_enlargement_matches_eight_bit(tmp_path, monkeypatch):
    """The 16-bit path (16-bit CMYK, sharpened and enlarged, cut to 8 bit last) gives the 8-bit numbers
    of the same method (16-bit takes the bicubic; the 8-bit render is made to take it too)."""
    from render import resample

    image8 = asymmetric_rgb(60, 90)
    src8, src16 = tmp_path / "in8.png", tmp_path / "in16.png"
    image8.pngsave(str(src8))
    (image8.cast("ushort") * 257).copy(interpretation="rgb16").cast("ushort").pngsave(str(src16), bitdepth=16)
    out16 = render_slot(src16, request(px_geometry(150, 225)), tmp_path / "o16")
    monkeypatch.setattr(resample, "enlargement", lambda fmt, scale: resample.INTERPOLATOR)
    out8 = render_slot(src8, request(px_geometry(150, 225)), tmp_path / "o8")
    assert out16.metrics.bits == 16 and out16.metrics.sharpen_amount == out8.metrics.sharpen_amount > 0
    difference = (read_cmyk(out16.image_path).cast("float") - read_cmyk(out8.image_path)).abs()
    assert difference.avg() < 1.0
