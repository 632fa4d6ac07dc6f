"""A mirrored bleed of an enlargement is made from the source (render.steps.mirror): the photo
mirrored around the crop, read once and in order, then resampled onto the whole raster."""

from __future__ import annotations

import importlib

import pytest

from profiles.catalogue import BleedStrategy
from render.pipeline import render_slot
from tests import imagegen
from tests.render.helpers import px_geometry, read_cmyk, request

load_step = importlib.import_module("render.steps.load")
mirror = importlib.import_module("render.steps.mirror")


def test_fold_lies_on_the_pixel_edges_nearest_the_crop_and_reaches_past_each_bleed():
    f = mirror.fold(10.4, 100.3, 30, 0, 2.0, 400)
    assert (f.start, f.end) == (10, 111)  # 10.4 -> 10, 110.7 -> 111
    assert f.before == 15 + 10  # the bleed's 30 px at 2x are 15 source px, and the resampling's reach
    assert f.after == 0  # no bleed below: nothing mirrored there
    clipped = mirror.fold(-0.3, 500.0, 8, 8, 1.5, 400)
    assert (clipped.start, clipped.end) == (0, 400) == mirror.window(-0.3, 500.0, 400)


@pytest.mark.parametrize(("size", "wrap", "photo"), [
    ((600, 420), 75, (400, 300)),  # 1.5x, bands over many cache tiles
    ((480, 720), 33, (300, 500)),  # portrait, odd band
    ((1000, 300), 120, (500, 160)),  # a wrap wider than a third of the picture
    ((420, 2100), 3, (400, 2000)),  # a thin wrap under a tall picture: the cache is a few tiles
])
@pytest.mark.parametrize("threads", [2, 4])
def test_streamed_source_mirror_equals_the_photo_mirrored_in_memory(tmp_path, monkeypatch, size, wrap, photo,
                                                                    threads):
    """The flipped bands from a second short decode and a cache give the pixels of one libvips
    mirror of the photo decoded whole, however many libvips threads ask for rows at once."""
    import pyvips

    before = pyvips.concurrency_get()
    pyvips.concurrency_set(threads)
    try:
        _compare(tmp_path, monkeypatch, size, wrap, photo)
    finally:
        pyvips.concurrency_set(before)


def _compare(tmp_path, monkeypatch, size, wrap, photo):
    source = imagegen.photo_jpeg(tmp_path / "photo.jpg", *photo)
    seen = []
    real = mirror._column

    def spy(state, left, width, down):
        seen.append((down.before, down.after))
        return real(state, left, width, down)

    monkeypatch.setattr(mirror, "_column", spy)
    geometry = px_geometry(*size, wrap)
    streamed = render_slot(source, request(geometry, bleed=BleedStrategy.mirror), tmp_path / "s")
    assert seen and all(before > 0 and after > 0 for before, after in seen), "the raster streamed its bands"
    monkeypatch.setattr(load_step, "random_access", lambda state: True)
    held = render_slot(source, request(geometry, bleed=BleedStrategy.mirror), tmp_path / "h")
    a, b = read_cmyk(streamed.image_path), read_cmyk(held.image_path)
    assert (a.width, a.height) == (b.width, b.height) == (size[0] + 2 * wrap, size[1] + 2 * wrap)
    assert (a.cast("int") - b.cast("int")).abs().max() == 0


def test_the_bleed_is_the_visible_edge_folded_over(tmp_path):
    """Each bleed row and column shows the visible one as far inside the edge (within the
    interpolation: the fold lies within half a source pixel of the trim)."""
    wrap = 40
    source = imagegen.photo_jpeg(tmp_path / "photo.jpg", 300, 200, quality=98)
    result = render_slot(source, request(px_geometry(480, 320, wrap), bleed=BleedStrategy.mirror), tmp_path / "o")
    raster = read_cmyk(result.image_path).cast("float")
    w, h = raster.width, raster.height
    for k in range(2, wrap - 4, 6):
        for outside, inside in (
            (raster.crop(0, wrap - 1 - k, w, 1), raster.crop(0, wrap + k, w, 1)),  # top
            (raster.crop(0, h - wrap + k, w, 1), raster.crop(0, h - wrap - 1 - k, w, 1)),  # bottom
            (raster.crop(wrap - 1 - k, 0, 1, h), raster.crop(wrap + k, 0, 1, h)),  # left
            (raster.crop(w - wrap + k, 0, 1, h), raster.crop(w - wrap - 1 - k, 0, 1, h)),  # right
        ):
            assert (outside - inside).abs().avg() < 4
    # not the picture repeated: the far end of the bleed differs from its edge row
    assert (raster.crop(0, 0, w, 1) - raster.crop(0, wrap, w, 1)).abs().avg() > 4


def test_a_tiny_picture_with_a_wide_wrap_still_mirrors(tmp_path):
    photo = imagegen.photo_jpeg(tmp_path / "photo.jpg", 20, 16)
    result = render_slot(photo, request(px_geometry(40, 30, 35), bleed=BleedStrategy.mirror), tmp_path / "o")
    raster = read_cmyk(result.image_path)
    assert (raster.width, raster.height) == (110, 100)
