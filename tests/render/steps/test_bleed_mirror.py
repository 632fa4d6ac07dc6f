"""A mirrored bleed (canvas wrap) of a reduction streams: same pixels as mirroring the whole
picture at once, without decoding the whole photo (its top band from a short second pipeline, its
bottom band from a cache of the last rows). Enlargements mirror the source instead: test_mirror."""

from __future__ import annotations

import importlib

import pytest
import pyvips

from profiles.catalogue import BleedStrategy
from render.pipeline import render_slot
from tests import imagegen
from tests.render.helpers import px_geometry, read_cmyk, request

bleed_step = importlib.import_module("render.steps.bleed")  # the package's `bleed` is the step function


def _whole(visible, x, y, width, height, state):
    """The reference: the picture held in memory, mirrored in one embed."""
    return visible.copy_memory().embed(x, y, width, height, extend="mirror")


@pytest.mark.parametrize(("size", "wrap", "photo"), [
    ((300, 200), 60, (900, 700)),  # reducing
    ((600, 420), 75, (1400, 1000)),  # bands taller than many cache tiles
    ((240, 360), 33, (500, 800)),  # portrait, odd band
])
def test_streamed_mirror_equals_the_whole_picture_mirrored(tmp_path, monkeypatch, size, wrap, photo):
    source = imagegen.photo_jpeg(tmp_path / "photo.jpg", *photo)
    geometry = px_geometry(*size, wrap)
    streamed = render_slot(source, request(geometry, bleed=BleedStrategy.mirror), tmp_path / "s")
    calls = []
    real = bleed_step._mirror_streamed

    def spy(*args):
        calls.append(args[1:5])
        return real(*args)

    monkeypatch.setattr(bleed_step, "_mirror_streamed", _whole)
    whole = render_slot(source, request(geometry, bleed=BleedStrategy.mirror), tmp_path / "w")
    monkeypatch.setattr(bleed_step, "_mirror_streamed", spy)
    again = render_slot(source, request(geometry, bleed=BleedStrategy.mirror), tmp_path / "a")
    assert calls, "the main raster took the streamed path"
    a, b = read_cmyk(streamed.image_path), read_cmyk(whole.image_path)
    assert (a.width, a.height) == (b.width, b.height)
    assert (a.cast("int") - b.cast("int")).abs().max() == 0
    assert streamed.image_sha256 == whole.image_sha256 == again.image_sha256


def test_the_photo_is_read_sequentially_for_a_mirrored_wrap(tmp_path, monkeypatch):
    """No random-access (whole-photo) decode of the source for the print raster."""
    from render import source as source_module

    seen = []
    real = source_module.load

    def spy(info, *, shrink=1, random_access=False):
        loaded = real(info, shrink=shrink, random_access=random_access)
        seen.append((shrink, random_access, loaded.in_memory))
        return loaded

    monkeypatch.setattr(source_module, "load", spy)
    photo = imagegen.photo_jpeg(tmp_path / "photo.jpg", 800, 600)
    render_slot(photo, request(px_geometry(400, 300, 50), bleed=BleedStrategy.mirror), tmp_path / "o")
    assert seen and not any(random for _, random, _ in seen)
    assert not any(in_memory for shrink, _, in_memory in seen if shrink == 1)


def test_a_tiny_picture_with_a_wide_wrap_still_mirrors(tmp_path):
    photo = imagegen.photo_jpeg(tmp_path / "photo.jpg", 64, 48)
    result = render_slot(photo, request(px_geometry(40, 30, 35), bleed=BleedStrategy.mirror), tmp_path / "o")
    raster = read_cmyk(result.image_path)
    assert (raster.width, raster.height) == (110, 100)
    assert isinstance(raster, pyvips.Image)
