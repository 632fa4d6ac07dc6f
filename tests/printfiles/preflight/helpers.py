"""Shared by the preflight tests: a printer without marks or slug, the finding codes of a report, and an
RGB PDF as a designer elsewhere might send it."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from profiles.printers import Printer
from tests import imagegen

NO_SLUG = Printer(id="bare", name="no marks, no slug")


def codes(report) -> set[str]:
    return {f.code for f in report.findings}


def rgb_pdf_file(tmp_path: Path) -> Path:
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
