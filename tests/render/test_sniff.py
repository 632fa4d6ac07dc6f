"""`render.sniff`: what a file is from its own bytes before any libvips loader sees it — the formats we take,
the kinds we refuse by name, a JPEG's frame header, PNG interlacing and a TIFF whose strips are cut off."""

from __future__ import annotations

import pytest

from render.sniff import jpeg_frame, kind, png_complete, png_interlaced, sniff, tiff_complete
from tests.render.hostile import _noisy


@pytest.mark.parametrize(("head", "fmt"), [
    (b"\xff\xd8\xff\xe0", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"),
    (b"RIFF\0\0\0\0WEBPVP8 ", "webp"), (b"GIF89a", "gif"), (b"\0\0\0\x1cftypavif", "heif"),
    (b"\0\0\0\x18ftypmp42", None), (b"<svg ", None), (b"%PDF-1.7", None), (b"", None),
])
def test_sniff(head, fmt):
    assert sniff(head) == fmt


def test_kind_names_what_we_refuse():
    assert kind(b"  <?xml version='1.0'?><svg") == "XML/SVG"
    assert kind(b"%PDF-1.4") == "PDF"
    assert kind(b"\x00\x01\x02") == "unknown"


def test_jpeg_frame_and_png_interlace(tmp_path):
    image = _noisy(64, 48)
    image.jpegsave(str(tmp_path / "b.jpg"))
    image.jpegsave(str(tmp_path / "p.jpg"), interlace=True, subsample_mode="on")
    image.pngsave(str(tmp_path / "i.png"), interlace=True)
    image.pngsave(str(tmp_path / "n.png"))
    assert not jpeg_frame(tmp_path / "b.jpg").progressive
    frame = jpeg_frame(tmp_path / "p.jpg")
    assert frame.progressive and frame.samples_per_pixel() == 1.5
    assert png_interlaced(tmp_path / "i.png") and not png_interlaced(tmp_path / "n.png")
    assert png_complete(tmp_path / "n.png")


def test_tiff_with_strips_cut_off_is_incomplete(tmp_path):
    _noisy(64, 48).tiffsave(str(tmp_path / "ok.tif"))
    assert tiff_complete(tmp_path / "ok.tif")
    from tests.render.hostile import _tiff

    (tmp_path / "cut.tif").write_bytes(_tiff(64, 48, b"\x80" * 64 * 48)[:1000])
    assert not tiff_complete(tmp_path / "cut.tif")
