"""`render.heic`: HEIC/HEVC photos (the iPhone default) read through pillow-heif — probed and rendered,
their orientation applied once, 16-bit kept and counted against the decode budget."""

from __future__ import annotations

import pytest

from render.errors import RenderError
from render.pipeline import render_slot
from render.source import inspect, load
from tests.render.helpers import px_geometry, request


def _heic(path, image, **save) -> None:
    """A small HEVC-coded HEIC made on the fly with pillow-heif (as an iPhone writes them)."""
    import pillow_heif

    pillow_heif.from_pillow(image).save(str(path), format="HEIF", quality=95, **save)


def test_heic_with_hevc_is_decoded_through_pillow_heif(tmp_path):
    """The wheel's libvips has no HEVC decoder: pillow-heif decodes it; the probe reads only the header."""
    from PIL import Image, ImageCms

    from render.probe import probe_image

    source = tmp_path / "IMG_0001.heic"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    _heic(source, Image.new("RGB", (64, 48), (200, 30, 30)), icc_profile=icc)
    info = probe_image(source, max_pixels=10**8)
    assert (info.format, info.width, info.height, info.has_icc_profile) == ("heif", 64, 48, True)
    header = inspect(source)
    assert header.loader == "heicload" and header.icc_name == "sRGB built-in" and header.bits == 8
    pixel = load(header).image(10, 10)
    assert abs(pixel[0] - 200) < 6 and abs(pixel[1] - 30) < 6 and abs(pixel[2] - 30) < 6
    out = render_slot(source, request(px_geometry(120, 90)), tmp_path / "out")
    assert out.image_path.exists()


def test_heic_orientation_is_applied_once(tmp_path):
    """An iPhone photo held upright: stored landscape with orientation 6 (libheif's irot): comes out portrait,
    its left half on top, and the upload's upright size says so."""
    from PIL import Image

    from render.probe import probe_image

    stored = Image.new("RGB", (64, 48), (20, 20, 220))
    stored.paste((220, 20, 20), (0, 0, 32, 48))
    exif = Image.Exif()
    exif[0x0112] = 6
    source = tmp_path / "turned.heic"
    _heic(source, stored, exif=exif.tobytes())
    info = probe_image(source)
    assert (info.upright_width, info.upright_height) == (48, 64)
    image = load(inspect(source)).image
    assert (image.width, image.height) == (48, 64)
    top, bottom = image(24, 4), image(24, 60)
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]


def test_heic_16_bit_keeps_its_depth_and_stays_in_the_budget(tmp_path):
    import numpy as np
    import pillow_heif

    from render.limits import Limits
    from render.probe import ProbeError, probe_image

    ramp = (np.linspace(0, 65535, 64 * 48 * 3) % 65536).astype(np.uint16).reshape(48, 64, 3)
    source = tmp_path / "deep.heic"
    pillow_heif.from_bytes("RGB;16", (64, 48), ramp.tobytes()).save(str(source), quality=95)
    header = inspect(source)
    assert header.bits == 16 and load(header).image.format == "ushort"
    with pytest.raises(ProbeError) as refused:  # a whole-frame decode, counted like WebP and AVIF
        probe_image(source, max_decode_bytes=20_000)
    assert refused.value.code == "decode-too-large"
    with pytest.raises(RenderError):
        inspect(source, limits=Limits(max_decode_bytes=20_000))


def test_the_header_is_read_without_decoding(tmp_path):
    from PIL import Image

    from render import heic

    path = tmp_path / "photo.heic"
    _heic(path, Image.new("RGB", (64, 48), (200, 40, 40)))
    head = heic.header(path)
    assert (head.width, head.height, head.bands, head.format, head.pages) == (64, 48, 3, "uchar", 1)
    assert head.get("n-pages") == 1 and "n-pages" in head.get_fields()
    image = heic.decode(path)
    assert (image.width, image.height, image.bands) == (64, 48, 3)
    assert [round(v) for v in image.getpoint(32, 24)[:3]] == pytest.approx([200, 40, 40], abs=12)
    (tmp_path / "broken.heic").write_bytes(path.read_bytes()[:200])
    with pytest.raises((ValueError, RuntimeError)):
        heic.header(tmp_path / "broken.heic")
