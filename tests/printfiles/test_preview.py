"""`printfiles.preview`: preview.jpg of a whole item — each page's BleedBox stacked top to bottom on grey,
the slots' own soft proofs placed where the PDF places their rasters (a single full-bleed slot: the
render's preview as it is) — and overlay.jpg with trim, safe zone, folds and text areas drawn on it."""

from __future__ import annotations

from pathlib import Path

import pytest
import pyvips

from printfiles.layout import page_frames
from printfiles.preview import (FOLD_COLOUR, GAP_PX, SAFE_COLOUR, TEXT_COLOUR, TRIM_COLOUR, PreviewPiece,
                                compose_overlay, compose_preview)
from profiles.printers import Printer

NO_SLUG = Printer(id="bare", name="no marks, no slug")


def flat_jpeg(path: Path, colour: list[int], width: int = 60, height: int = 80) -> Path:
    (pyvips.Image.black(width, height, bands=3) + colour).cast("uchar").copy(interpretation="srgb").jpegsave(
        str(path), Q=95)
    return path


def _pixel(image: pyvips.Image, x: float, y: float) -> list[float]:
    return image.getpoint(round(x), round(y))[:3]


def test_pages_are_stacked_with_their_slots_where_the_pdf_puts_them(catalogue, tmp_path):
    frames = page_frames(catalogue.get("card-a6-flat"), None, NO_SLUG)  # two pages of 111 x 154 mm bleed
    red = flat_jpeg(tmp_path / "red.jpg", [220, 20, 20])
    front = frames[0]
    pieces = [[PreviewPiece(red, front.bleed)], []]
    geo = compose_preview(frames, pieces, tmp_path / "preview.jpg", long_edge=400)
    image = pyvips.Image.new_from_file(str(tmp_path / "preview.jpg"))
    assert (image.width, image.height) == geo.size and max(geo.size) == 400
    assert geo.origins[0] == (0, 0) and geo.origins[1][1] == round(front.bleed.height_mm * geo.scale) + GAP_PX
    assert _pixel(image, 20, 20) == pytest.approx([220, 20, 20], abs=8)  # the slot's proof
    second_y = geo.origins[1][1]
    assert _pixel(image, 20, second_y + 20) == pytest.approx([255, 255, 255], abs=3)  # an empty page: paper
    assert _pixel(image, 20, second_y - GAP_PX / 2) == pytest.approx([200, 200, 200], abs=3)  # the gap
    x, y, w, h = geo.trim_px(front)
    assert (w, h) == pytest.approx((105 * geo.scale, 148 * geo.scale), abs=0.01)
    assert (x, y) == pytest.approx((3 * geo.scale, 3 * geo.scale), abs=0.01)


def test_a_single_full_bleed_slot_is_the_renders_preview_as_it_is(catalogue, tmp_path):
    frames = page_frames(catalogue.get("poster-20x30"), None, NO_SLUG)
    render_preview = flat_jpeg(tmp_path / "slot.jpg", [10, 120, 200], width=206, height=306)
    geo = compose_preview(frames, [[PreviewPiece(render_preview, frames[0].bleed)]], tmp_path / "p.jpg")
    assert (tmp_path / "p.jpg").read_bytes() == render_preview.read_bytes()
    assert geo.size == (206, 306) and geo.scale == pytest.approx(1.0)


def test_the_overlay_draws_trim_safe_zone_folds_and_text_areas(catalogue, tmp_path):
    product = catalogue.get("card-a6-folded")
    frames = page_frames(product, None, NO_SLUG)
    white = flat_jpeg(tmp_path / "white.jpg", [255, 255, 255])
    geo = compose_preview(frames, [[PreviewPiece(white, f.bleed)] for f in frames], tmp_path / "preview.jpg",
                          long_edge=800)
    compose_overlay(frames, geo, tmp_path / "preview.jpg", tmp_path / "overlay.jpg", product.safe_mm)
    overlay = pyvips.Image.new_from_file(str(tmp_path / "overlay.jpg"))
    s = geo.scale
    x, y, w, h = geo.trim_px(frames[0])
    near = {"abs": 60}
    assert _pixel(overlay, x + w / 4, y) == pytest.approx(TRIM_COLOUR, **near)
    assert _pixel(overlay, x + 105 * s, y + h / 2) == pytest.approx(FOLD_COLOUR, **near)
    assert _pixel(overlay, x + product.safe_mm * s, y + h / 2) == pytest.approx(SAFE_COLOUR, **near)
    area = frames[0].page.text_areas[0]
    assert _pixel(overlay, x + (area.x_mm + area.width_mm / 2) * s, y + area.y_mm * s) == pytest.approx(
        TEXT_COLOUR, **near)
    assert _pixel(overlay, x + w / 4, y + h / 3) == pytest.approx([255, 255, 255], abs=10)  # nothing elsewhere


def test_preview_is_the_render_preview_for_a_poster(build, recorded):
    import pyvips

    result = build("poster-20x30", printer=NO_SLUG)
    [(render_result, _)] = recorded
    assert result.preview.read_bytes() == render_result.preview_path.read_bytes()
    preview = pyvips.Image.new_from_file(str(result.preview))
    assert max(preview.width, preview.height) == 1200
    overlay = pyvips.Image.new_from_file(str(result.overlay))
    assert (overlay.width, overlay.height) == (preview.width, preview.height)
    assert (overlay.cast("float") - preview.cast("float")).abs().max() > 100  # the lines are drawn
