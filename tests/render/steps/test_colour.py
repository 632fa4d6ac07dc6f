"""`render.steps.colour`: the photo's numbers read with its profile (or as sRGB) and converted to the
product's CMYK at the smaller of source and print resolution; 16-bit sources stay 16 bit until then."""

from __future__ import annotations

from render.pipeline import render_slot
from render.source import inspect, load
from tests.render.helpers import patches, px_geometry, request


def test_sixteen_bit_is_kept_until_the_colour_transform(tmp_path):
    source = tmp_path / "in16.png"
    patches([(40000, 20000, 1000)], fmt="ushort", interpretation="rgb16").pngsave(str(source), bitdepth=16)
    info = inspect(source)
    assert info.bits == 16
    assert load(info).image.format == "ushort"
    result = render_slot(source, request(px_geometry(40, 40)), tmp_path / "out")
    assert result.metrics.bits == 16
