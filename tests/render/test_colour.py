"""The CMYK numbers of the print raster against LittleCMS's own transform (transicc), ±1 % per channel."""

from __future__ import annotations

from pathlib import Path

import pytest

from profiles.catalogue import Intent
from render.pipeline import render_slot
from tests.render import iccgen
from tests.render.helpers import (
    FOGRA39,
    FOGRA47,
    builtin_profile,
    patch_means,
    patches,
    px_geometry,
    read_cmyk,
    request,
    transicc,
    with_profile,
)

RGB = [
    (255, 0, 0),
    (0, 160, 60),
    (20, 40, 230),
    (0, 200, 220),
    (230, 180, 150),
    (128, 128, 128),
    (30, 30, 30),
    (255, 255, 255),
    (0, 0, 0),
    (250, 140, 10),
]
CMYK = [
    (0, 0, 0, 0),
    (255, 0, 0, 0),
    (0, 255, 0, 0),
    (0, 0, 255, 0),
    (0, 0, 0, 255),
    (60, 120, 200, 10),
    (128, 128, 128, 128),
    (10, 20, 30, 40),
]
GREY = [(0,), (40,), (100,), (128,), (200,), (255,)]
TOLERANCE = 1.0  # percent per channel

pytestmark = pytest.mark.tools


def _render(tmp_path: Path, source: Path, count: int, **kw) -> list[list[float]]:
    result = render_slot(source, request(px_geometry(40 * count, 40), **kw), tmp_path / "out")
    assert result.width_px == 40 * count and result.height_px == 40
    raster = read_cmyk(result.image_path)
    return [[v * 100 / 255 for v in row] for row in patch_means(raster, count)]


def _assert_close(ours: list[list[float]], oracle: list[list[float]]) -> None:
    for i, (got, want) in enumerate(zip(ours, oracle, strict=True)):
        worst = max(abs(g - w) for g, w in zip(got, want, strict=True))
        assert worst <= TOLERANCE, f"patch {i}: ours {[round(v, 2) for v in got]} vs LittleCMS {want}"


@pytest.mark.parametrize("suffix", [".jpg", ".png"])
def test_untagged_rgb_is_read_as_srgb(tmp_path, tool, suffix):
    exe = tool("transicc")
    source = tmp_path / f"in{suffix}"
    image = patches(RGB)
    image.write_to_file(str(source), **({"Q": 100, "subsample_mode": "off"} if suffix == ".jpg" else {}))
    _assert_close(_render(tmp_path, source, len(RGB)), transicc(exe, "*sRGB", FOGRA39.path, RGB))


@pytest.mark.parametrize("name", ["srgb", "adobe", "p3"])
def test_embedded_rgb_profile_is_honoured(tmp_path, tool, name):
    exe = tool("transicc")
    profile = iccgen.adobe_rgb() if name == "adobe" else builtin_profile(name)
    icc = tmp_path / f"{name}.icc"
    icc.write_bytes(profile)
    source = tmp_path / "in.png"
    with_profile(patches(RGB), profile).pngsave(str(source))
    _assert_close(_render(tmp_path, source, len(RGB)), transicc(exe, str(icc), FOGRA39.path, RGB))


def test_adobe_rgb_differs_from_srgb(tmp_path):
    """The embedded profile changes the numbers (so the test above cannot pass by ignoring it)."""
    plain, tagged = tmp_path / "plain.png", tmp_path / "tagged.png"
    patches(RGB[:3]).pngsave(str(plain))
    with_profile(patches(RGB[:3]), iccgen.adobe_rgb()).pngsave(str(tagged))
    a = _render(tmp_path / "a", plain, 3)
    b = _render(tmp_path / "b", tagged, 3)
    assert max(abs(x - y) for ra, rb in zip(a, b, strict=True) for x, y in zip(ra, rb, strict=True)) > 5


def test_sixteen_bit_rgb(tmp_path, tool):
    exe = tool("transicc")
    values16 = [
        (65535, 0, 0),
        (12000, 40000, 20000),
        (33000, 33000, 33000),
        (1000, 2000, 3000),
        (51400, 38550, 32896),
    ]
    source = tmp_path / "in16.png"
    patches(values16, fmt="ushort", interpretation="rgb16").pngsave(str(source), bitdepth=16)
    oracle = transicc(exe, "*sRGB", FOGRA39.path, [tuple(v * 255 / 65535 for v in row) for row in values16])
    _assert_close(_render(tmp_path, source, len(values16)), oracle)


def test_tagged_cmyk_input_is_converted(tmp_path, tool):
    exe = tool("transicc")
    source = tmp_path / "in.jpg"
    profile = builtin_profile("cmyk")
    with_profile(patches(CMYK, interpretation="cmyk"), profile).jpegsave(
        str(source), Q=100, subsample_mode="off"
    )
    icc = tmp_path / "cmyk.icc"
    icc.write_bytes(profile)
    oracle = transicc(exe, str(icc), FOGRA39.path, [tuple(v * 100 / 255 for v in c) for c in CMYK])
    _assert_close(_render(tmp_path, source, len(CMYK)), oracle)


@pytest.mark.parametrize("tagged", [False, True])
def test_cmyk_in_the_output_condition_keeps_its_numbers(tmp_path, tagged):
    """Untagged CMYK, or CMYK tagged with the output profile, is already separated: passed through,
    so K-only text stays K-only (a round trip through Lab would turn it into rich black)."""
    source = tmp_path / "in.jpg"
    image = with_profile(patches(CMYK, interpretation="cmyk"), FOGRA39.data() if tagged else None)
    image.jpegsave(str(source), Q=100, subsample_mode="off")
    ours = _render(tmp_path, source, len(CMYK))
    _assert_close(ours, [[v * 100 / 255 for v in c] for c in CMYK])


@pytest.mark.parametrize("tagged", [True, False])
def test_grey_input(tmp_path, tool, tagged):
    exe = tool("transicc")
    source = tmp_path / "grey.png"
    profile = iccgen.grey() if tagged else None
    with_profile(patches(GREY, interpretation="b-w"), profile).pngsave(str(source))
    if tagged:
        icc = tmp_path / "grey.icc"
        icc.write_bytes(profile)
        oracle = transicc(exe, str(icc), FOGRA39.path, GREY)
    else:
        oracle = transicc(exe, "*sRGB", FOGRA39.path, [(g[0],) * 3 for g in GREY])
    _assert_close(_render(tmp_path, source, len(GREY)), oracle)


def test_perceptual_intent_on_uncoated(tmp_path, tool):
    exe = tool("transicc")
    source = tmp_path / "in.png"
    patches(RGB).pngsave(str(source))
    ours = _render(tmp_path, source, len(RGB), profile=FOGRA47, intent=Intent.perceptual)
    _assert_close(ours, transicc(exe, "*sRGB", FOGRA47.path, RGB, intent=0, bpc=False))


@pytest.mark.parametrize("bits", [8, 16])
def test_enlarged_patches_keep_the_littlecms_numbers(tmp_path, tool, bits):
    """When enlarging, the transform runs before the enlargement (at source size): same numbers."""
    exe = tool("transicc")
    source = tmp_path / "in.png"
    if bits == 16:
        patches([tuple(v * 257 for v in c) for c in RGB], fmt="ushort", interpretation="rgb16").pngsave(
            str(source), bitdepth=16
        )
    else:
        patches(RGB).pngsave(str(source))
    result = render_slot(source, request(px_geometry(80 * len(RGB), 80)), tmp_path / "out")
    assert result.metrics.scale_factor == pytest.approx(2.0) and result.metrics.sharpen_amount
    ours = [[v * 100 / 255 for v in row] for row in patch_means(read_cmyk(result.image_path), len(RGB), 80)]
    _assert_close(ours, transicc(exe, "*sRGB", FOGRA39.path, RGB))


def test_sharpened_enlargement_stays_within_the_ink_limit(tmp_path):
    """Sharpening happens before the colour transform, so the output profile's total ink limit
    (300 % for FOGRA39) holds at saturated hard edges of an enlarged photo."""
    import pyvips

    from profiles.icc import output_profile
    from tests import imagegen

    source = imagegen.photo_jpeg(tmp_path / "checker.jpg", 300, 420)  # 32 px blue checker: hard edges
    result = render_slot(source, request(px_geometry(900, 1260)), tmp_path / "out")
    assert result.metrics.scale_factor > 2
    cmyk = pyvips.Image.new_from_file(str(result.image_path))  # libvips undoes the Adobe inversion
    total = (cmyk[0] + cmyk[1] + cmyk[2] + cmyk[3]).max() / 255 * 100
    assert total <= output_profile("FOGRA39").total_ink_limit + 1.0  # + 8-bit rounding of four channels
