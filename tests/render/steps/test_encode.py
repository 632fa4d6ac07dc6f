"""`render.steps.encode`: the raster written while libvips computes it and hashed as written — a baseline
CMYK JPEG that says how it is stored, or for lossless products one zlib stream of raw CMYK rows."""

from __future__ import annotations

import hashlib
import zlib

import pytest
import pyvips

from render.pipeline import render_slot
from tests.render.helpers import px_geometry, read_cmyk, request


def test_lossless_writes_one_zlib_stream_of_raw_cmyk(tmp_path, photo):
    dct = render_slot(photo, request(px_geometry(60, 80, 3)), tmp_path / "dct")
    flate = render_slot(photo, request(px_geometry(60, 80, 3), lossless=True), tmp_path / "flate")
    assert flate.encoding == "Flate" and flate.image_path.suffix == ".flate"
    raw = zlib.decompress(flate.image_path.read_bytes())
    assert len(raw) == 66 * 86 * 4
    image = pyvips.Image.new_from_memory(raw, 66, 86, 4, "uchar")
    assert (image - read_cmyk(dct.image_path)).abs().avg() < 3
    assert flate.preview_path.exists() and not flate.adobe_inverted


def test_dct_raster_is_baseline_cmyk_and_says_how_it_is_stored(tmp_path, photo):
    result = render_slot(photo, request(px_geometry(60, 80)), tmp_path / "out")
    data = result.image_path.read_bytes()
    assert data[:2] == b"\xff\xd8" and b"\xff\xc0" in data  # SOF0: baseline
    assert result.encoding == "DCT" and result.colour_space == "DeviceCMYK"
    assert result.adobe_inverted == (b"\xff\xeeAdobe" in data or b"Adobe" in data[:4096])


@pytest.mark.parametrize("lossless", [False, True])
def test_raster_hash_is_taken_from_the_bytes_written(tmp_path, photo, lossless):
    result = render_slot(photo, request(px_geometry(60, 80, 3), lossless=lossless), tmp_path / "out")
    assert result.image_sha256 == hashlib.sha256(result.image_path.read_bytes()).hexdigest()


def test_the_hashing_file_hashes_what_it_writes(tmp_path):
    import hashlib

    from render.steps.encode import HashingFile

    with HashingFile(tmp_path / "out.bin") as out:
        assert out.write(b"abc") == 3
        out.write(b"def")
    assert (tmp_path / "out.bin").read_bytes() == b"abcdef"
    assert out.sha256 == hashlib.sha256(b"abcdef").hexdigest()
