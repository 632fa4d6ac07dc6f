"""`render.source`: opening a customer's image — every format we take gives the same CMYK numbers, and an
unreadable or truncated upload is a render error, not a crash (orientation, alpha and frames:
steps/test_load.py; HEIC: test_heic.py)."""

from __future__ import annotations

import pytest
import pyvips

from render.errors import RenderError
from render.pipeline import render_slot
from render.source import inspect
from tests import imagegen
from tests.render.helpers import patch_means, patches, px_geometry, read_cmyk, request


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".tif", ".webp", ".avif"])
def test_formats(tmp_path, suffix):
    source = tmp_path / f"in{suffix}"
    colours = [(200, 30, 30), (30, 200, 30), (30, 30, 200)]
    image = patches(colours)
    try:
        if suffix == ".avif":
            image.heifsave(str(source), Q=95, compression="av1", subsample_mode="off")
        else:
            image.write_to_file(str(source), **({"Q": 98} if suffix in (".jpg", ".webp") else {}))
    except pyvips.Error as exc:
        pytest.skip(f"this libvips cannot write {suffix}: {str(exc).splitlines()[0]}")
    result = render_slot(source, request(px_geometry(120, 40)), tmp_path / "out")
    means = patch_means(read_cmyk(result.image_path), 3)
    reference_dir = tmp_path / "ref"
    reference_dir.mkdir()
    reference = reference_dir / "ref.png"
    image.pngsave(str(reference))
    expected = patch_means(
        read_cmyk(render_slot(reference, request(px_geometry(120, 40)), tmp_path / "r").image_path), 3
    )
    for got, want in zip(means, expected, strict=True):
        assert max(abs(g - w) for g, w in zip(got, want, strict=True)) < 8  # lossy codecs
    assert (
        result.metrics.source_format
        in suffix.replace(".tif", ".tiff").replace(".avif", ".heif").replace(".heic", ".heif")
        or result.metrics.source_format == "jpeg"
        and suffix == ".jpg"
    )


@pytest.mark.parametrize("content", [b"", b"not an image at all", b"\xff\xd8\xff\xe0" + b"\0" * 40])
def test_unreadable_upload_is_a_render_error(tmp_path, content):
    source = tmp_path / "bad.jpg"
    source.write_bytes(content)
    with pytest.raises(RenderError, match="upload|send"):
        render_slot(source, request(px_geometry(40, 40)), tmp_path / "out")


def test_truncated_jpeg_is_a_render_error(tmp_path):
    good = imagegen.photo_jpeg(tmp_path / "good.jpg", 300, 400)
    source = tmp_path / "cut.jpg"
    source.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(RenderError, match="upload"):
        render_slot(source, request(px_geometry(30, 40)), tmp_path / "out")




def test_inspect_reads_the_header_and_says_how_to_load(tmp_path):
    from render.source import upright_size

    path = imagegen.photo_jpeg(tmp_path / "turned.jpg", 300, 200, orientation=6)
    info = inspect(path)
    assert (info.width, info.height, info.orientation) == (300, 200, 6)
    assert info.upright == (200, 300) == upright_size(300, 200, 6)
    assert upright_size(300, 200, 1) == upright_size(300, 200, 2) == (300, 200)
    assert upright_size(300, 200, 8) == (200, 300)


def test_load_decodes_upright_and_shrinks_on_load(tmp_path):
    from render.source import load

    path = imagegen.photo_jpeg(tmp_path / "turned.jpg", 320, 240, orientation=6)
    loaded = load(inspect(path), shrink=2)
    image = loaded.image
    assert (image.width, image.height) == (120, 160)  # upright and halved while decoding
    assert image.bands == 3
