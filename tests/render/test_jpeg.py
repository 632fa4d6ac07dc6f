"""The Adobe APP14 test of a CMYK JPEG, read from its markers (one copy, used by render and PDF)."""

from __future__ import annotations

import io

import pyvips

from printfiles import embed
from render.jpeg import jpeg_is_adobe_inverted, jpeg_is_adobe_inverted_at


def test_libvips_cmyk_jpeg_is_adobe_inverted_and_rgb_is_not(tmp_path):
    cmyk = (pyvips.Image.black(16, 16, bands=4) + [10, 20, 30, 40]).cast("uchar").copy(interpretation="cmyk")
    rgb = (pyvips.Image.black(16, 16, bands=3) + 90).cast("uchar").copy(interpretation="srgb")
    cmyk.jpegsave(str(tmp_path / "c.jpg"))
    rgb.jpegsave(str(tmp_path / "r.jpg"))
    assert jpeg_is_adobe_inverted(tmp_path / "c.jpg")
    assert not jpeg_is_adobe_inverted(tmp_path / "r.jpg")
    data = (tmp_path / "c.jpg").read_bytes()
    stream = io.BytesIO(b"pad" + data)
    stream.seek(3)
    assert jpeg_is_adobe_inverted_at(stream)
    assert not jpeg_is_adobe_inverted_at(io.BytesIO(b"not a jpeg"))


def test_the_pdf_side_uses_the_same_function():
    assert embed.jpeg_is_adobe_inverted is jpeg_is_adobe_inverted
    assert embed.jpeg_is_adobe_inverted_at is jpeg_is_adobe_inverted_at
