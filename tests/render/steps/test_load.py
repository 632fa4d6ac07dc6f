"""`render.steps.load`: the photo decoded upright — every EXIF orientation gives the same upright raster
(with JPEG shrink-on-load too), alpha flattened on white, the first page or frame of multi-frame files."""

from __future__ import annotations

import pytest
import pyvips

from render.pipeline import render_slot
from render.source import inspect
from tests.render.helpers import asymmetric_rgb, patch_means, patches, px_geometry, read_cmyk, request


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
    upright = asymmetric_rgb(width, height)
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
