"""Preview, overlay, lossless output, findings and the JSON report of a render."""

from __future__ import annotations

import hashlib
import json
import zlib

import pytest
import pyvips

from profiles.catalogue import load_catalogue
from render import resample
from vocab.findings import Severity, Verdict
from render.geometry import Edges, SlotGeometry, slot_geometry
from render.pipeline import RenderRequest, render_slot
from tests import imagegen
from tests.render.helpers import patches, px_geometry, read_cmyk, request


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


def test_overlay_is_optional(tmp_path, photo):
    result = render_slot(photo, request(px_geometry(60, 80, 3), overlay=False), tmp_path / "out")
    assert result.overlay_path is None
    assert result.preview_path.exists()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["slot-preview.jpg", "slot.jpg"]


@pytest.mark.parametrize(
    ("effective_ppi", "severity"), [(160, None), (120, Severity.warn), (60, Severity.fail)]
)
def test_low_ppi_findings(tmp_path, effective_ppi, severity):
    """A 600 px photo on a square slot sized so it has `effective_ppi` (warn below 150, fail below 80)."""
    photo = imagegen.photo_jpeg(tmp_path / "p.jpg", 600, 600)
    side_mm = 600 / effective_ppi * 25.4
    geometry = SlotGeometry(width_mm=side_mm, height_mm=side_mm, bleed=Edges.uniform(0), ppi=30)
    result = render_slot(photo, request(geometry), tmp_path / "out")
    assert result.metrics.effective_ppi == pytest.approx(effective_ppi, abs=0.01)
    found = [f for f in result.findings if f.code == "low-ppi"]
    if severity is None:
        assert not found
    else:
        assert found[0].severity is severity
        assert found[0].measured == pytest.approx(effective_ppi, abs=0.1)
        assert found[0].threshold == (150 if severity is Severity.warn else 80)
        assert found[0].message.de and found[0].message.en


def test_upscale_crop_loss_and_json(tmp_path):
    photo = imagegen.photo_jpeg(tmp_path / "wide.jpg", 300, 60)
    geometry = px_geometry(150, 150)  # 60 px tall crop → 150 px: 2.5x; keeps 60 of 300 px wide
    result = render_slot(photo, request(geometry), tmp_path / "out")
    codes = {f.code: f for f in result.findings}
    assert codes["large-upscale"].severity is Severity.warn and codes["large-upscale"].measured == 2.5
    assert codes["crop-loss"].measured == pytest.approx(0.8)
    assert result.verdict is Verdict.warn or result.verdict is Verdict.fail
    data = json.loads(json.dumps(result.model_dump(mode="json")))
    assert data["metrics"]["interpolator"] == resample.INTERPOLATOR
    assert data["findings"][0]["message"]["de"]


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


@pytest.mark.slow
def test_full_size_poster_50x70(tmp_path):
    photo = imagegen.photo_jpeg(tmp_path / "p.jpg", 1500, 2000)
    product = load_catalogue().get("poster-50x70")
    geometry = slot_geometry(product)
    result = render_slot(photo, RenderRequest.for_product(product, geometry), tmp_path / "out")
    assert (result.width_px, result.height_px) == (5976, 8339)
    header = pyvips.Image.new_from_file(str(result.image_path))
    assert (header.width, header.height, header.bands) == (5976, 8339, 4)


def test_finding_codes_are_kebab_case():
    from pydantic import ValidationError

    from vocab.findings import Finding, Message

    message = Message(en="x", de="x")
    assert Finding(code="ink-coverage", severity=Severity.warn, message=message).code == "ink-coverage"
    with pytest.raises(ValidationError):
        Finding(code="ink_coverage", severity=Severity.warn, message=message)
