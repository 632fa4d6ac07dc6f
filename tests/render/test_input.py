"""Input: formats, EXIF orientation, 16-bit, alpha, multi-frame files and unreadable uploads."""

from __future__ import annotations

import pytest
import pyvips

from render.errors import RenderError
from render.pipeline import render_slot
from render.source import inspect, load
from tests import imagegen
from tests.render.helpers import patch_means, patches, px_geometry, read_cmyk, request

DIHEDRAL = [(angle, flip) for angle in ("d0", "d90", "d180", "d270") for flip in (False, True)]


def _stored_for(upright: pyvips.Image, orientation: int) -> pyvips.Image:
    """The stored pixels that EXIF `orientation` turns into `upright` (found by trying all 8)."""
    for angle, flip in DIHEDRAL:
        candidate = upright.rot(angle)
        candidate = candidate.fliphor() if flip else candidate
        tagged = candidate.copy()
        tagged.set_type(pyvips.GValue.gint_type, "orientation", orientation)
        turned = tagged.autorot()
        if (turned.width, turned.height) == (upright.width, upright.height) and (
            turned - upright
        ).abs().max() == 0:
            return tagged
    raise AssertionError(f"no stored form for orientation {orientation}")


def _upright(width: int, height: int) -> pyvips.Image:
    """Asymmetric content: ramps, a coarse checker (a photo's detail scale, not near the output's
    Nyquist limit, where JPEG shrink-on-load depends on the DCT block grid) and a dark block."""
    x = pyvips.Image.xyz(width, height)
    red = x[0] * (255.0 / max(width - 1, 1))
    green = x[1] * (255.0 / max(height - 1, 1))
    cell = max(width, height) // 6
    blue = ((x[0] // cell + x[1] // cell) % 2) * 200 + 27
    image = red.bandjoin([green, blue]).cast("uchar").copy(interpretation="srgb")
    block = pyvips.Image.black(width // 4, height // 5, bands=3)
    return image.insert(block, width // 10, height // 12).copy(interpretation="srgb")


@pytest.mark.parametrize(
    ("suffix", "out_size", "tolerance"),
    [
        (".png", (200, 300), (0.3, 12)),  # lossless, enlarged: only the pipeline can differ
        (".jpg", (40, 60), (2.5, 80)),  # JPEG shrink-on-load: the DCT block grid moves with the orientation
    ],
    ids=["upscale-png", "shrink-on-load-jpeg"],
)
def test_every_exif_orientation_gives_the_same_upright_result(tmp_path, suffix, out_size, tolerance):
    width, height = (603, 905) if suffix == ".jpg" else (60, 90)
    upright = _upright(width, height)
    rasters = {}
    for orientation in range(1, 9):
        source = tmp_path / f"o{orientation}{suffix}"
        stored = _stored_for(upright, orientation)
        if suffix == ".jpg":
            stored.jpegsave(str(source), Q=98, subsample_mode="off")
        else:
            stored.pngsave(str(source))
        assert inspect(source).orientation == orientation
        result = render_slot(source, request(px_geometry(*out_size)), tmp_path / f"out{orientation}")
        assert (result.metrics.shrink_on_load > 1) == (suffix == ".jpg")
        assert (result.metrics.upright_width, result.metrics.upright_height) == (width, height)
        rasters[orientation] = read_cmyk(result.image_path).cast("float")
    mean_limit, max_limit = tolerance
    for orientation in range(2, 9):
        difference = (rasters[orientation] - rasters[1]).abs()
        assert difference.avg() < mean_limit, (
            f"orientation {orientation} differs by {difference.avg():.2f} on average"
        )
        assert difference.max() < max_limit


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


def test_sixteen_bit_is_kept_until_the_colour_transform(tmp_path):
    source = tmp_path / "in16.png"
    patches([(40000, 20000, 1000)], fmt="ushort", interpretation="rgb16").pngsave(str(source), bitdepth=16)
    info = inspect(source)
    assert info.bits == 16
    assert load(info).image.format == "ushort"
    result = render_slot(source, request(px_geometry(40, 40)), tmp_path / "out")
    assert result.metrics.bits == 16


@pytest.mark.parametrize("bits", [8, 16])
def test_alpha_is_flattened_on_white(tmp_path, bits):
    top = 65535 if bits == 16 else 255
    fmt = "ushort" if bits == 16 else "uchar"
    interp = "rgb16" if bits == 16 else "srgb"
    source = tmp_path / "alpha.png"
    # left patch: opaque blue; right patch: fully transparent black
    patches([(0, 0, top, top), (0, 0, 0, 0)], fmt=fmt, interpretation=interp).pngsave(
        str(source), bitdepth=bits
    )
    result = render_slot(source, request(px_geometry(80, 40)), tmp_path / "out")
    opaque, clear = patch_means(read_cmyk(result.image_path), 2)
    assert max(clear) < 2  # paper white: no ink
    assert opaque[0] > 150  # blue prints with cyan
    assert "alpha-flattened" in {f.code for f in result.findings}


def test_multi_page_uses_the_first_page_and_says_so(tmp_path):
    source = tmp_path / "pages.tif"
    red = patches([(230, 20, 20)])
    blue = patches([(20, 20, 230)])
    stack = red.join(blue, "vertical").copy()
    stack.set_type(pyvips.GValue.gint_type, "page-height", 40)
    stack.tiffsave(str(source))
    result = render_slot(source, request(px_geometry(40, 40)), tmp_path / "out")
    ((c, m, y, k),) = patch_means(read_cmyk(result.image_path), 1)
    assert m > 150 and c < 50  # red, not blue
    assert result.metrics.frames == 2 and result.metrics.frame_used == 0
    assert any(f.code == "first-frame-used" and f.measured == 2 for f in result.findings)


def test_animated_gif_uses_the_first_frame(tmp_path):
    source = tmp_path / "anim.gif"
    frames = patches([(230, 20, 20)]).join(patches([(20, 20, 230)]), "vertical").copy()
    frames.set_type(pyvips.GValue.gint_type, "page-height", 40)
    frames.gifsave(str(source))
    result = render_slot(source, request(px_geometry(40, 40)), tmp_path / "out")
    assert result.metrics.frames == 2
    ((c, m, y, k),) = patch_means(read_cmyk(result.image_path), 1)
    assert m > 150 and c < 80


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


def test_sixteen_bit_enlargement_matches_eight_bit(tmp_path):
    """The 16-bit path (16-bit CMYK, sharpened and enlarged, cut to 8 bit last) gives the 8-bit numbers."""
    image8 = _upright(60, 90)
    src8, src16 = tmp_path / "in8.png", tmp_path / "in16.png"
    image8.pngsave(str(src8))
    (image8.cast("ushort") * 257).copy(interpretation="rgb16").cast("ushort").pngsave(str(src16), bitdepth=16)
    out8 = render_slot(src8, request(px_geometry(150, 225)), tmp_path / "o8")
    out16 = render_slot(src16, request(px_geometry(150, 225)), tmp_path / "o16")
    assert out16.metrics.bits == 16 and out16.metrics.sharpen_amount == out8.metrics.sharpen_amount > 0
    difference = (read_cmyk(out16.image_path).cast("float") - read_cmyk(out8.image_path)).abs()
    assert difference.avg() < 1.0


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
