"""`render.pipeline.render_slot`: photo in, print-ready CMYK raster, preview and measurements out, for
the product's geometry; nothing left behind when it fails."""

from __future__ import annotations

import pytest
import pyvips

from profiles.catalogue import load_catalogue
from render.geometry import slot_geometry
from render.pipeline import RenderRequest, render_slot
from tests import imagegen
from render.source import inspect


@pytest.mark.slow
def test_full_size_poster_50x70(tmp_path):
    photo = imagegen.photo_jpeg(tmp_path / "p.jpg", 1500, 2000)
    product = load_catalogue().get("poster-50x70")
    geometry = slot_geometry(product)
    result = render_slot(photo, RenderRequest.for_product(product, geometry), tmp_path / "out")
    assert (result.width_px, result.height_px) == (5976, 8339)
    header = pyvips.Image.new_from_file(str(result.image_path))
    assert (header.width, header.height, header.bands) == (5976, 8339, 4)


def test_a_slot_writes_its_raster_preview_and_overlay_under_its_name(tmp_path, photo):
    from tests.render.helpers import px_geometry, read_cmyk, request

    result = render_slot(photo, request(px_geometry(60, 80, 3)), tmp_path / "out", name="front")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "front-overlay.jpg", "front-preview.jpg", "front.jpg"]
    assert (result.width_px, result.height_px) == (66, 86)
    assert read_cmyk(result.image_path).width == 66
    inspected = render_slot(inspect(photo), request(px_geometry(60, 80, 3)), tmp_path / "again", name="front")
    assert inspected.image_sha256 == result.image_sha256  # a header read once renders the same


def test_a_cancelled_render_leaves_nothing_behind(tmp_path, photo):
    from render.control import RenderCancelled
    from tests.render.helpers import px_geometry, request

    with pytest.raises(RenderCancelled):
        render_slot(photo, request(px_geometry(60, 80)), tmp_path / "out", cancel=lambda: True)
    assert not any((tmp_path / "out").glob("slot*"))
