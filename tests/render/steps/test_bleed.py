"""Bleed: image beyond the crop (edge extended where there is none), mirrored edges, solid colour;
canvas wrap."""

from __future__ import annotations

import pytest
import pyvips

from vocab.spec import Crop
from profiles.catalogue import BleedStrategy, load_catalogue
from render import colour
from render.geometry import slot_geometry
from render.pipeline import RenderRequest, render_slot
from tests.render.helpers import FOGRA39, px_geometry, read_cmyk, request

BLEED = 10


def _framed_source(tmp_path):
    """A 200 x 200 image: blue frame 40 px wide around a horizontal red→yellow ramp."""
    xyz = pyvips.Image.xyz(200, 200)
    inner = (xyz[0] >= 40) & (xyz[0] < 160) & (xyz[1] >= 40) & (xyz[1] < 160)
    ramp = (xyz[0] - 40) * (255 / 119)
    red = inner.ifthenelse(230, 20)
    green = inner.ifthenelse(ramp, 40)
    blue = inner.ifthenelse(20, 230)
    path = tmp_path / "framed.png"
    red.bandjoin([green, blue]).cast("uchar").copy(interpretation="srgb").pngsave(str(path))
    return path


INNER = Crop(x=0.2, y=0.2, width=0.6, height=0.6)  # exactly the ramp


def _render(tmp_path, strategy, crop=INNER, **kw):
    geometry = px_geometry(120, 120, BLEED)
    return render_slot(
        _framed_source(tmp_path),
        request(geometry, crop=crop, bleed=strategy, **kw),
        tmp_path / strategy.value,
    )


def test_image_strategy_uses_the_pixels_beyond_the_crop(tmp_path):
    result = _render(tmp_path, BleedStrategy.image)
    raster = read_cmyk(result.image_path)
    assert (raster.width, raster.height) == (140, 140)
    bleed_strip = raster.crop(0, 40, 6, 60)  # left bleed: the blue frame of the source
    assert bleed_strip[0].avg() > 150 and bleed_strip[1].avg() > 80 and bleed_strip[2].avg() < 30


def test_image_strategy_extends_the_edge_where_the_image_ends(tmp_path):
    crop = Crop(x=0.0, y=0.2, width=0.6, height=0.6)  # touches the left edge of the image
    result = _render(tmp_path, BleedStrategy.image, crop=crop)
    raster = read_cmyk(result.image_path).cast("float")
    bleed = raster.crop(0, 40, BLEED - 1, 60)
    edge_column = raster.crop(BLEED + 1, 40, 1, 60)
    for band in range(4):
        assert abs(bleed[band].avg() - edge_column[band].avg()) < 6


def test_mirror_strategy_mirrors_the_visible_edge(tmp_path):
    result = _render(tmp_path, BleedStrategy.mirror)
    raster = read_cmyk(result.image_path).cast("float")
    for k in range(BLEED - 1):  # bleed column left of the trim equals the column as far inside it
        outside = raster.crop(BLEED - 1 - k, 30, 1, 80)
        inside = raster.crop(BLEED + k, 30, 1, 80)
        assert (outside - inside).abs().avg() < 3
    assert raster.crop(0, 40, 6, 60)[0].avg() < 60  # no blue frame from beyond the crop


def test_colour_strategy_fills_the_bleed_with_the_colour(tmp_path):
    result = _render(tmp_path, BleedStrategy.colour, bleed_colour="#00A000")
    raster = read_cmyk(result.image_path)
    want = colour.hex_to_output("#00A000", FOGRA39, result.intent)
    strip = raster.crop(0, 0, 140, BLEED - 1)
    for band in range(4):
        assert abs(strip[band].avg() - want[band]) < 3
    visible = raster.crop(BLEED + 5, BLEED + 5, 100, 100)
    assert visible[1].avg() > 100  # the red/yellow ramp has magenta/yellow, the green bleed has not


@pytest.mark.parametrize("wrap", list(BleedStrategy))
def test_canvas_wrap(tmp_path, wrap):
    canvas = load_catalogue().get("canvas-40x30")
    geometry = slot_geometry(canvas, wrap=wrap).with_ppi(20)
    req = RenderRequest.for_product(canvas, geometry, wrap=wrap, wrap_colour="#202020")
    assert req.bleed is wrap
    result = render_slot(_framed_source(tmp_path), req, tmp_path / wrap.value)
    assert (result.width_px, result.height_px) == geometry.pixel_size()
    tx, ty, tw, th = result.trim_px
    assert tx == pytest.approx(40 / 25.4 * 20, rel=0.01)  # frame 20 + fold 15 + bleed 5 mm
    raster = read_cmyk(result.image_path)
    corner = raster.crop(0, 0, 5, 5)
    if wrap is BleedStrategy.colour:
        assert corner[3].avg() > 150  # dark grey wrap prints with black ink
