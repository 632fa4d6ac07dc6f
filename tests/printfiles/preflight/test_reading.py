"""`printfiles.preflight.reading`: what is read from the PDF — where each image sits (its ppi through
the transformation matrices, rotations and forms) and which fonts are embedded."""

from __future__ import annotations

import zlib
from pathlib import Path

import pikepdf
import pytest
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from printfiles.preflight import preflight_pdf


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
