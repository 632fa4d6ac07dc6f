"""preflight_pdf on our own print files and on PDFs made elsewhere, good and broken."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest

from printfiles.preflight import preflight_pdf
from tests.printfiles.preflight.helpers import codes, rgb_pdf_file


@pytest.fixture
def rgb_pdf(tmp_path: Path) -> Path:
    return rgb_pdf_file(tmp_path)


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
