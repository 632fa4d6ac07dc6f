"""`render.steps.scale`: the unsharp mask before an enlargement and the resample of crop and scale in one
pass, from 8- and 16-bit sources alike."""

from __future__ import annotations

import pyvips

from render.pipeline import render_slot
from tests.render.helpers import px_geometry, read_cmyk, request


def _upright(width: int, height: int) -> pyvips.Image:
    """Asymmetric content: ramps, a coarse checker (a photo's detail scale, not near the output's
    Nyquist limit, where JPEG shrink-on-load depends on the DCT block grid) and a dark block."""
    x = pyvips.Image.xyz(width, height)
    red = x[0] * (255.0 / max(width - 1, 1))
    green = x[1] * (255.0 / max(height - 1, 1))
    cell = max(width, height) // 6
    blue = ((x[0] // cell + x[1] // cell) % 2) * 200 + 27
    image = red.bandjoin([green, blue]).cast("uchar").copy(interpretation="srgb")
    block = pyvips.Image.black(width // 4, height // 5, bands=3)
    return image.insert(block, width // 10, height // 12).copy(interpretation="srgb")


def test_sixteen_bit_enlargement_matches_eight_bit(tmp_path):
    """The 16-bit path (16-bit CMYK, sharpened and enlarged, cut to 8 bit last) gives the 8-bit numbers."""
    image8 = _upright(60, 90)
    src8, src16 = tmp_path / "in8.png", tmp_path / "in16.png"
    image8.pngsave(str(src8))
    (image8.cast("ushort") * 257).copy(interpretation="rgb16").cast("ushort").pngsave(str(src16), bitdepth=16)
    out8 = render_slot(src8, request(px_geometry(150, 225)), tmp_path / "o8")
    out16 = render_slot(src16, request(px_geometry(150, 225)), tmp_path / "o16")
    assert out16.metrics.bits == 16 and out16.metrics.sharpen_amount == out8.metrics.sharpen_amount > 0
    difference = (read_cmyk(out16.image_path).cast("float") - read_cmyk(out8.image_path)).abs()
    assert difference.avg() < 1.0
