"""`render.measure`: what is measured beside the raster — the soft-proof preview of the whole raster (long
edge 1200), the optional QA overlay, the maximum ink and the out-of-gamut share."""

from __future__ import annotations

import pytest
import pyvips

from render.pipeline import render_slot
from tests.render.helpers import patches, px_geometry, read_cmyk, request
from render.measure import preview_size


def test_preview_covers_the_whole_raster_with_long_edge_1200(tmp_path, photo):
    geometry = px_geometry(300, 400, 12, safe=20)
    result = render_slot(photo, request(geometry), tmp_path / "out")
    preview = pyvips.Image.new_from_file(str(result.preview_path))
    assert max(preview.width, preview.height) == 1200
    assert (preview.width, preview.height) == result.preview_size
    assert preview.interpretation == "srgb" and preview.bands == 3
    assert preview.width / preview.height == pytest.approx(result.width_px / result.height_px, rel=0.01)
    x, y, w, h = result.trim_px_in_preview
    assert x == pytest.approx(12 * 1200 / 424, rel=0.01) and h == pytest.approx(400 * 1200 / 424, rel=0.01)
    overlay = pyvips.Image.new_from_file(str(result.overlay_path))
    line = overlay.crop(round(x) + 1, round(y + h / 2), 1, 1)
    red, green, blue = line(0, 0)
    assert red > 140 and red - green > 80  # the trim line is drawn (JPEG softens it); the preview is not red
    assert preview.crop(round(x) + 1, round(y + h / 2), 1, 1)(0, 0) != line(0, 0)


def test_preview_is_a_soft_proof(tmp_path):
    source = tmp_path / "in.png"
    patches([(0, 0, 255), (255, 255, 255)]).pngsave(str(source))
    result = render_slot(source, request(px_geometry(80, 40), preview_long_edge=80), tmp_path / "out")
    preview = pyvips.Image.new_from_file(str(result.preview_path))
    blue = preview.crop(10, 10, 20, 20)
    white = preview.crop(50, 10, 20, 20)
    assert blue[2].avg() < 200  # sRGB blue is out of FOGRA39: duller after the press
    assert min(white[b].avg() for b in range(3)) > 245


def test_overlay_is_optional(tmp_path, photo):
    result = render_slot(photo, request(px_geometry(60, 80, 3), overlay=False), tmp_path / "out")
    assert result.overlay_path is None
    assert result.preview_path.exists()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["slot-preview.jpg", "slot.jpg"]


def test_ink_and_gamut_are_measured(tmp_path):
    source = tmp_path / "in.png"
    patches([(0, 0, 0), (0, 0, 255)]).pngsave(str(source))
    result = render_slot(source, request(px_geometry(80, 40)), tmp_path / "out")
    raster = read_cmyk(result.image_path).cast("float")
    true_max = float((raster[0] + raster[1] + raster[2] + raster[3]).max()) * 100 / 255
    assert result.metrics.max_ink_percent == pytest.approx(true_max, abs=4)
    # LittleCMS's gamut check marks the blue half, and pure sRGB black too: it is darker than the
    # press's black (the check ignores black point compensation, as tificc -g does)
    assert result.metrics.out_of_gamut_share > 0.9
    grey_blue = tmp_path / "grey-blue.png"
    patches([(128, 128, 128), (0, 0, 255)]).pngsave(str(grey_blue))
    share = render_slot(grey_blue, request(px_geometry(80, 40)), tmp_path / "out2").metrics.out_of_gamut_share
    assert 0.3 < share < 0.7  # the blue half cannot be printed, mid-grey can


def test_the_preview_size_keeps_the_rasters_aspect():
    size, ratio = preview_size(request(px_geometry(300, 400, 10)))  # 320 x 420 raster
    assert size == (914, 1200) and ratio == 1.0  # a preview larger than the raster: rendered at 1:1
    small, small_ratio = preview_size(request(px_geometry(300, 400, 10), preview_long_edge=42))
    assert small == (32, 42) and small_ratio == pytest.approx(0.1)


def _cut_and_padded(tmp_path):
    """A JPEG cut short with its end marker pasted on (libjpeg fills the rest with grey and only
    warns), and one with a few stray bytes before its scan ("extraneous bytes before marker 0xda":
    a warning that harms no pixel)."""
    from tests.render.hostile import _noisy

    whole = _noisy(600, 400).jpegsave_buffer(Q=90)
    cut, padded = tmp_path / "cut.jpg", tmp_path / "padded.jpg"
    cut.write_bytes(whole[: len(whole) // 2] + b"\xff\xd9")
    scan = whole.find(b"\xff\xda")
    padded.write_bytes(whole[:scan] + b"\x00\x00\x00" + whole[scan:])
    return cut, padded


@pytest.mark.parametrize("held", [True, False], ids=["small-copy", "copy-too-large"])
def test_the_data_is_checked_by_the_render_whether_or_not_its_copy_is_held(tmp_path, monkeypatch, held):
    """The small copy's decode is the JPEG's completeness check; when the copy is too large to
    hold, `check_complete` decodes for it. A harmless warning renders either way."""
    from render import measure
    from render.errors import InputRefused

    if not held:
        monkeypatch.setattr(measure, "SMALL_COPY_BYTES", 0)
    cut, padded = _cut_and_padded(tmp_path)
    with pytest.raises(InputRefused) as refused:
        render_slot(cut, request(px_geometry(300, 200)), tmp_path / "cut")
    assert refused.value.code == "truncated"
    with pytest.raises(pyvips.Error, match="extraneous bytes"):  # it does warn
        pyvips.Image.new_from_file(str(padded), fail_on="warning").avg()
    result = render_slot(padded, request(px_geometry(300, 200)), tmp_path / "padded")
    assert result.image_path.exists() and result.preview_path.exists()
