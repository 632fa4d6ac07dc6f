"""`printfiles.preflight.ink`: total ink measured from the pixels of DCT and Flate rasters (only the
declared rows), and a render's known ink taken by hash instead of a decode."""

from __future__ import annotations

import zlib
from pathlib import Path

import pikepdf
import pytest
import pyvips

from printfiles.preflight import preflight_pdf
from tests.printfiles.preflight.helpers import NO_SLUG, codes


def _cmyk_raster(tmp_path: Path, values: list[int], lossless: bool, size=(120, 90)):
    from printfiles.embed import RasterFile

    image = (pyvips.Image.black(*size, bands=4) + values).cast("uchar").copy(interpretation="cmyk")
    if lossless:
        path = tmp_path / "r.flate"
        path.write_bytes(zlib.compress(image.write_to_memory()))
        return RasterFile(path, "Flate", *size)
    path = tmp_path / "r.jpg"
    image.jpegsave(str(path), Q=95, subsample_mode="off")
    return RasterFile(path, "DCT", *size)


@pytest.mark.parametrize("lossless", [False, True])
def test_total_ink_is_measured_from_the_pixels(tmp_path, catalogue, lossless):
    from datetime import UTC, datetime

    from printfiles.compose import PagePlan, Placement, write_printfile
    from printfiles.layout import page_frames
    from printfiles.pdfx import DocInfo, ids_for

    product = catalogue.get("poster-20x30")
    values = [230, 200, 200, 220]  # 90 + 78 + 78 + 86 = 333 % ink
    raster = _cmyk_raster(tmp_path, values, lossless)
    [frame] = page_frames(product, None, NO_SLUG)
    doc, inst = ids_for("j", 1)
    out = write_printfile(
        [PagePlan(frame=frame, placements=[Placement(raster, frame.bleed)])],
        NO_SLUG,
        product.profile,
        DocInfo("t", "p", "c", datetime(2026, 1, 1, tzinfo=UTC), doc, inst, 1),
        tmp_path / "ink.pdf",
        tmp_path / "scratch",
    )
    report = preflight_pdf(out, product)
    assert report.max_ink_percent == pytest.approx(sum(values) / 255 * 100, abs=2)
    finding = next(f for f in report.findings if f.code == "ink-coverage")
    assert finding.severity == "warn" and finding.threshold == 300


def test_flate_ink_reads_only_the_declared_rows(tmp_path):
    """A Flate stream inflating to more rows than /Height declares (a deflate bomb's trick) is read
    in bounded pieces and only up to /Height rows: the extra full-ink rows do not count."""
    pdf = pikepdf.new()
    width, height = 2000, 50
    compressor = zlib.compressobj(9)
    light, heavy = bytes([10, 20, 30, 40]) * width, bytes([255, 255, 255, 255]) * width
    data = b"".join(compressor.compress(light) for _ in range(height))
    data += b"".join(compressor.compress(heavy) for _ in range(2000)) + compressor.flush()
    image = pikepdf.Stream(
        pdf,
        data,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=width,
        Height=height,
        ColorSpace=pikepdf.Name.DeviceCMYK,
        BitsPerComponent=8,
        Filter=pikepdf.Name.FlateDecode,
    )
    resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=pdf.make_indirect(image)))
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=pikepdf.Array([0, 0, 600, 600]),
        Resources=resources,
        Contents=pdf.make_stream(b"q 600 0 0 600 0 0 cm /Im0 Do Q"),
    )
    pdf.pages.append(pikepdf.Page(page))
    path = tmp_path / "bomb.pdf"
    pdf.save(path)
    report = preflight_pdf(path)
    assert report.max_ink_percent == pytest.approx(100 / 255 * 100, abs=0.1)


def test_known_ink_of_an_embedded_raster_skips_its_decode(build, catalogue):
    """build_item hands the render's own ink measurement to the preflight, keyed by the raster's
    SHA-256; any other image is still decoded and measured."""
    from printfiles.preflight.ink import region_sha256

    result = build("poster-20x30")
    raster_ink = result.report.slots[0].render["metrics"]["max_ink_percent"]
    assert result.report.preflight.images[0].max_ink_percent == raster_ink
    product = catalogue.get("poster-20x30")
    decoded = preflight_pdf(result.printfile, product).images[0].max_ink_percent
    assert decoded is not None and 0 < decoded <= 400
    wrong_key = preflight_pdf(result.printfile, product, known_ink={"0" * 64: 999.0})
    assert wrong_key.images[0].max_ink_percent == decoded
    with pikepdf.open(result.printfile) as pdf:
        from printfiles.preflight.ink import raw_stream_at

        image = next(iter(pdf.pages[0].get_images().values()))
        offset, length = raw_stream_at(result.printfile, pdf, image)
    digest = region_sha256(result.printfile, offset, length)
    assert digest == result.report.slots[0].render["image_sha256"]  # the render's hash is the stream's
    assert preflight_pdf(result.printfile, product, known_ink={digest: 123.0}).images[0].max_ink_percent == 123.0


def test_known_ink_is_recorded_but_judged_by_the_render_alone(build, catalogue):
    """The render already turned its ink measurement into a finding; the preflight records the same
    figure for the embedded raster without a second ink-coverage finding. Ink it measures itself
    (no or another key) is judged as always."""
    result = build("poster-20x30")
    product = catalogue.get("poster-20x30")
    with pikepdf.open(result.printfile) as pdf:
        from printfiles.preflight.ink import raw_stream_at, region_sha256

        image = next(iter(pdf.pages[0].get_images().values()))
        digest = region_sha256(result.printfile, *raw_stream_at(result.printfile, pdf, image))
    known = preflight_pdf(result.printfile, product, known_ink={digest: 390.0})
    assert known.images[0].max_ink_percent == 390.0 and known.images[0].ink_known
    assert known.max_ink_percent == 390.0
    assert "ink-coverage" not in codes(known)
    limit = product.profile.total_ink_limit
    measured = preflight_pdf(result.printfile, product, known_ink={"0" * 64: 390.0})
    assert not measured.images[0].ink_known
    assert ("ink-coverage" in codes(measured)) == (measured.max_ink_percent > limit + 1.0)
