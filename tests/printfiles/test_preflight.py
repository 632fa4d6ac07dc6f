"""preflight_pdf on our own print files and on PDFs made elsewhere, good and broken."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pikepdf
import pytest
import pyvips
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printfiles.preflight import preflight_pdf
from profiles.printers import Printer
from tests import imagegen

NO_SLUG = Printer(id="bare", name="no marks, no slug")


def codes(report) -> set[str]:
    return {f.code for f in report.findings}


@pytest.fixture
def rgb_pdf(tmp_path: Path) -> Path:
    """What a shop's designer might send: reportlab, an RGB photo, Helvetica text, no boxes or intent."""
    photo = imagegen.photo_jpeg(tmp_path / "rgb.jpg", 300, 400)
    path = tmp_path / "rgb.pdf"
    canvas = Canvas(str(path), pagesize=(200 * mm, 300 * mm))
    canvas.drawImage(str(photo), 0, 0, width=200 * mm, height=300 * mm)  # 300 px over 200 mm = 38 ppi
    canvas.setFont("Helvetica", 24)
    canvas.setFillColorRGB(0.8, 0.1, 0.1)
    canvas.drawString(20 * mm, 20 * mm, "Hello")
    canvas.save()
    return path


def test_our_print_file_passes(build):
    result = build("poster-30x40")
    report = result.report.preflight
    assert report.readable and not report.encrypted and report.page_count == 1 == report.expected_pages
    assert report.verdict == "ok", [f.message.en for f in report.findings]
    [image] = report.images
    assert image.colour_space == "DeviceCMYK" and image.filter == "DCTDecode"
    assert all(font.embedded for font in report.fonts) and report.fonts  # the slug's font
    assert report.vector_colour_spaces == ["DeviceCMYK"]
    assert report.output_intents[0].condition_identifier == "FOGRA39"
    page = report.pages[0]
    assert (page.trim.width_mm, page.trim.height_mm) == pytest.approx((300, 400), abs=0.01)
    json.loads(report.model_dump_json())  # JSON all the way


def test_plain_rgb_pdf_from_elsewhere_fails_with_reasons(rgb_pdf, catalogue):
    report = preflight_pdf(rgb_pdf, catalogue.get("poster-20x30"))
    assert report.verdict == "fail"
    assert {
        "image-rgb",
        "font-not-embedded",
        "output-intent-missing",
        "pdfx-version",
        "box-missing",
    } <= codes(report)
    [image] = report.images
    assert image.colour_space == "DeviceRGB"
    assert (image.width_px, image.height_px) == (300, 400)
    assert image.ppi_x == pytest.approx(300 / (200 / 25.4), rel=1e-3)
    assert "image-ppi" in codes(report)  # 38 ppi is far below poster-20x30's 80 ppi
    helvetica = [f for f in report.fonts if f.name == "Helvetica"]
    assert helvetica and not helvetica[0].embedded
    assert "page-size" not in codes(report)  # 200 x 300 mm is the poster's size
    assert "DeviceRGB" in report.vector_colour_spaces and "vector-rgb" in codes(report)  # the red RGB text


def test_wrong_size_and_page_count_against_the_product(rgb_pdf, catalogue):
    report = preflight_pdf(rgb_pdf, catalogue.get("card-a6-folded"))
    assert {"page-size", "page-count"} <= codes(report)
    without = preflight_pdf(rgb_pdf, None)
    assert "page-size" not in codes(without) and without.expected_pages is None


def test_unembedded_font_alone(tmp_path):
    path = tmp_path / "font.pdf"
    canvas = Canvas(str(path), pagesize=(100 * mm, 100 * mm))
    canvas.setFont("Times-Roman", 12)
    canvas.drawString(10, 10, "text")
    canvas.save()
    report = preflight_pdf(path)
    bad = [f for f in report.findings if f.code == "font-not-embedded"]
    assert bad and {f.measured for f in bad} >= {"Times-Roman"}
    assert bad[0].message.de


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated", "tail"])
def test_broken_files_fail_without_raising(build, tmp_path, damage):
    good = build("poster-20x30").printfile.read_bytes()
    path = tmp_path / f"{damage}.pdf"
    path.write_bytes(
        {
            "garbage": b"this is not a PDF at all\n" * 20,
            "empty": b"",
            "truncated": good[: len(good) // 2],
            "tail": good[:-2000],
        }[damage]
    )
    report = preflight_pdf(path)
    assert report.verdict == "fail"
    assert codes(report) & {"pdf-unreadable", "pdf-damaged"}


def test_missing_file_is_a_finding(tmp_path):
    report = preflight_pdf(tmp_path / "nope.pdf")
    assert report.verdict == "fail" and codes(report) == {"pdf-missing"}


def test_encrypted_pdfs_fail(rgb_pdf, tmp_path):
    locked, owner_only = tmp_path / "locked.pdf", tmp_path / "owner.pdf"
    with pikepdf.open(rgb_pdf) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="secret"))
        pdf.save(owner_only, encryption=pikepdf.Encryption(owner="o", user=""))
    report = preflight_pdf(locked)
    assert report.encrypted and codes(report) == {"pdf-encrypted"} and report.verdict == "fail"
    report = preflight_pdf(owner_only)
    assert report.readable and report.encrypted and "pdf-encrypted" in codes(report)


def _hand_made(tmp_path: Path, content: bytes, *, form_matrix=None, image_px=(100, 50)) -> Path:
    """A PDF with one DeviceGray image drawn through content `content` (optionally via a form XObject)."""
    pdf = pikepdf.new()
    w, h = image_px
    image = pikepdf.Stream(
        pdf,
        zlib.compress(bytes(w * h)),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=w,
        Height=h,
        ColorSpace=pikepdf.Name.DeviceGray,
        BitsPerComponent=8,
        Filter=pikepdf.Name.FlateDecode,
    )
    resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=pdf.make_indirect(image)))
    if form_matrix is not None:
        form = pikepdf.Stream(
            pdf,
            b"q 72 0 0 72 0 0 cm /Im0 Do Q",
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Form,
            BBox=pikepdf.Array([0, 0, 1000, 1000]),
            Matrix=pikepdf.Array(form_matrix),
            Resources=resources,
        )
        resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm0=pdf.make_indirect(form)))
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=pikepdf.Array([0, 0, 600, 600]),
        Resources=resources,
        Contents=pdf.make_stream(content),
    )
    pdf.pages.append(pikepdf.Page(page))
    path = tmp_path / "hand.pdf"
    pdf.save(path)
    return path


def test_ppi_follows_the_transformation_matrix(tmp_path):
    # 100 px drawn 2 in wide, nested q/Q and a cm after the image must not count
    path = _hand_made(tmp_path, b"q 2 0 0 1 0 0 cm q 72 0 0 72 10 10 cm /Im0 Do Q Q 5 0 0 5 0 0 cm")
    [image] = preflight_pdf(path).images
    assert (image.ppi_x, image.ppi_y) == pytest.approx((50, 50))
    assert image.width_mm == pytest.approx(50.8)


def test_ppi_of_rotated_image_and_through_a_form(tmp_path):
    rotated = _hand_made(tmp_path, b"q 0 144 -144 0 300 0 cm /Im0 Do Q")  # 90 degrees, 2 x 2 in
    [image] = preflight_pdf(rotated).images
    assert (image.ppi_x, image.ppi_y) == pytest.approx((50, 25))
    formed = _hand_made(tmp_path, b"q 0.5 0 0 0.5 0 0 cm /Fm0 Do Q", form_matrix=[4, 0, 0, 4, 0, 0])
    [image] = preflight_pdf(formed).images
    assert image.ppi_x == pytest.approx(50)  # 1 in x 4 x 0.5 = 2 in for 100 px


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


def test_other_products_profile_is_flagged(build, catalogue):
    result = build("poster-20x30")
    card = catalogue.get("card-a6-flat")  # FOGRA47, two pages
    report = preflight_pdf(result.printfile, card)
    assert {"output-intent-profile", "page-count", "page-size"} <= codes(report)


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
