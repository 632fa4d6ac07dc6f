"""Crop: the rectangle fills the visible rectangle to ±1 source pixel; modes fill, smart and fit."""

from __future__ import annotations

import pytest
import pyvips

from vocab.spec import Crop, CropMode
from render.errors import RenderError
from render.pipeline import render_slot
from tests.render.helpers import px_geometry, read_cmyk, request

SOURCE = (300, 200)
RECT = (37, 23, 180, 120)  # x, y, w, h in source pixels; aspect 1.5


def _target_source(tmp_path, rect=RECT, size=SOURCE):
    """White image with a black rectangle exactly where the crop will be."""
    x, y, w, h = rect
    xyz = pyvips.Image.xyz(*size)
    inside = (xyz[0] >= x) & (xyz[0] < x + w) & (xyz[1] >= y) & (xyz[1] < y + h)
    grey = inside.ifthenelse(0, 255).cast("uchar")
    path = tmp_path / "target.png"
    grey.bandjoin([grey, grey]).copy(interpretation="srgb").pngsave(str(path))
    return path


def _crossings(values: list[float]) -> list[float]:
    """Sub-pixel positions (pixel edges = integers) where the profile crosses its mid level."""
    lo, hi = min(values), max(values)
    mid = (lo + hi) / 2
    found = []
    for i in range(1, len(values)):
        a, b = values[i - 1], values[i]
        if (a < mid) != (b < mid):
            found.append(i - 0.5 + (mid - a) / (b - a))
    return found


def _ink_profile(image: pyvips.Image, horizontal: bool) -> list[float]:
    ink = image[0].cast("float") + image[1] + image[2] + image[3]
    if horizontal:
        line = ink.crop(0, ink.height // 2, ink.width, 1)
        return [line(i, 0)[0] for i in range(line.width)]
    line = ink.crop(ink.width // 2, 0, 1, ink.height)
    return [line(0, i)[0] for i in range(line.height)]


@pytest.mark.parametrize(
    ("visible", "bleed"),
    [((60, 40), 5), ((450, 300), 12), ((180, 120), 8)],
    ids=["downscale-3x", "upscale-2.5x", "same-size"],
)
def test_trim_edges_land_on_the_crop_edges(tmp_path, visible, bleed):
    source = _target_source(tmp_path)
    x, y, w, h = RECT
    crop = Crop(x=x / SOURCE[0], y=y / SOURCE[1], width=w / SOURCE[0], height=h / SOURCE[1])
    result = render_slot(source, request(px_geometry(*visible, bleed), crop=crop), tmp_path / "out")
    raster = read_cmyk(result.image_path)
    tx, ty, tw, th = result.trim_px
    scale = visible[0] / w  # raster px per source px
    one_source_px = scale
    left, right = _crossings(_ink_profile(raster, True))
    top, bottom = _crossings(_ink_profile(raster, False))
    for got, want in ((left, tx), (right, tx + tw), (top, ty), (bottom, ty + th)):
        assert abs(got - want) <= min(one_source_px, 0.5) + 0.05, (got, want)
    assert result.metrics.crop_px == pytest.approx((x, y, w, h))


def test_crop_with_other_aspect_is_refused_naming_both(tmp_path):
    source = _target_source(tmp_path)
    crop = Crop(x=0.1, y=0.1, width=0.5, height=0.5)  # 150 x 100 px: 1.5
    with pytest.raises(RenderError, match=r"1\.5000.*1\.0000"):
        render_slot(source, request(px_geometry(60, 60), crop=crop), tmp_path / "out")


def test_crop_within_one_percent_is_accepted(tmp_path):
    source = _target_source(tmp_path)
    crop = Crop(x=0.1, y=0.1, width=0.5, height=0.748)  # 150 x 149.6: 0.27 % off a square
    result = render_slot(source, request(px_geometry(60, 60), crop=crop), tmp_path / "out")
    assert (result.width_px, result.height_px) == (60, 60)


def test_fill_is_centred_and_reports_crop_loss(tmp_path):
    source = _target_source(tmp_path)
    result = render_slot(source, request(px_geometry(40, 40)), tmp_path / "out")
    x, y, w, h = result.metrics.crop_px
    assert (x, y, w, h) == pytest.approx((50, 0, 200, 200))
    assert result.metrics.crop_loss == pytest.approx(1 - 200 * 200 / (300 * 200), abs=1e-4)


def test_smart_crop_follows_the_interesting_part(tmp_path):
    xyz = pyvips.Image.xyz(400, 100)
    busy = ((xyz[0] // 4 + xyz[1] // 4) % 2).ifthenelse(255, 0)
    flat = pyvips.Image.black(400, 100) + 128
    grey = (xyz[0] > 300).ifthenelse(busy, flat).cast("uchar")
    source = tmp_path / "busy.png"
    grey.bandjoin([grey, grey * 0.3]).cast("uchar").copy(interpretation="srgb").pngsave(str(source))
    smart = render_slot(source, request(px_geometry(50, 50), mode=CropMode.smart), tmp_path / "smart")
    fill = render_slot(source, request(px_geometry(50, 50)), tmp_path / "fill")
    assert fill.metrics.crop_px[0] == pytest.approx(150)
    assert smart.metrics.crop_px[0] > 220  # moved towards the detail on the right
    assert smart.metrics.crop_px[0] + smart.metrics.crop_px[2] <= 400 + 1e-6


def test_fit_puts_the_whole_image_on_the_background(tmp_path):
    red = (pyvips.Image.black(100, 100, bands=3) + [220, 30, 30]).cast("uchar").copy(interpretation="srgb")
    source = tmp_path / "square.png"
    red.pngsave(str(source))
    result = render_slot(
        source, request(px_geometry(90, 30), mode=CropMode.fit, background="#0000FF"), tmp_path / "out"
    )
    raster = read_cmyk(result.image_path)
    centre = raster.crop(40, 10, 10, 10)
    side = raster.crop(5, 10, 10, 10)
    assert centre[1].avg() > 150 and centre[0].avg() < 60  # red: magenta, little cyan
    assert side[0].avg() > 150 and side[1].avg() > 100 and side[2].avg() < 40  # blue background
    assert result.metrics.crop_loss == 0
    assert result.metrics.scale_factor == pytest.approx(0.3)
