"""Crop marks and the slug strip, drawn outside the bleed in pure CMYK black (0/0/0/100).

The slug identifies the sheet without looking at the picture: brand, order and item reference,
product, render version, and the job id as a Code 128 barcode and a QR code (both vectors).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import qrcode
from barcode.codex import Code128
from reportlab.lib.colors import CMYKColor
from reportlab.pdfgen.canvas import Canvas

from printfiles.layout import PT_PER_MM, PageFrame
from profiles import fonts
from profiles.printers import Printer

K = CMYKColor(0, 0, 0, 1)
SLUG_FONT = "dejavu-sans"
SANDBOX = "SANDBOX"
STAMP_MAX_PT = 9.0  # the bleed stamp's largest letter size


@dataclass(frozen=True)
class SlugInfo:
    """What the slug says."""

    brand: str
    order_ref: str
    item_ref: str
    product: str
    version: int
    job_id: str
    page_name: str
    quantity: int = 1
    sandbox: bool = False  # a sandbox order's page: never to be printed

    def text(self) -> str:
        line = (
            f"{self.brand} · order {self.order_ref} · item {self.item_ref} · {self.product} · "
            f"x {self.quantity} · r{self.version} · {self.page_name} · job {self.job_id}"
        )
        return f"{SANDBOX} · DO NOT PRINT · {line}" if self.sandbox else line


def draw_crop_marks(canvas: Canvas, frame: PageFrame, printer: Printer) -> None:
    """Two short lines at each trim corner, on the trim lines' extensions, starting outside the bleed."""
    mm = PT_PER_MM
    canvas.setStrokeColor(K)
    canvas.setLineWidth(printer.mark_weight_pt)
    gap, length = printer.mark_offset_mm, printer.mark_length_mm
    b, t = frame.bleed, frame.trim
    for x in (t.x_mm, t.right_mm):  # vertical marks above and below the bleed
        canvas.line(x * mm, (b.y_mm - gap) * mm, x * mm, (b.y_mm - gap - length) * mm)
        canvas.line(x * mm, (b.top_mm + gap) * mm, x * mm, (b.top_mm + gap + length) * mm)
    for y in (t.y_mm, t.top_mm):  # horizontal marks left and right of the bleed
        canvas.line((b.x_mm - gap) * mm, y * mm, (b.x_mm - gap - length) * mm, y * mm)
        canvas.line((b.right_mm + gap) * mm, y * mm, (b.right_mm + gap + length) * mm, y * mm)


def _dark_runs(cells: Sequence[bool]) -> Iterator[tuple[int, int]]:
    """(first, count) of each run of dark modules in a row: one rectangle each, not one per module."""
    col, n = 0, len(cells)
    while col < n:
        if cells[col]:
            first = col
            while col < n and cells[col]:
                col += 1
            yield first, col - first
        else:
            col += 1


def _draw_qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    """QR code (level M) as filled rectangles, one run of dark modules per rectangle."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(value)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    module = size / len(matrix)
    canvas.setFillColor(K)
    for row, cells in enumerate(matrix):
        top = y + size - (row + 1) * module
        for first, count in _dark_runs(cells):
            canvas.rect(x + first * module, top, count * module, module, stroke=0, fill=1)


def _draw_bars(canvas: Canvas, modules: str, x: float, y: float, module: float, height: float) -> None:
    """A linear barcode's modules ('1' dark) as filled rectangles, one per bar, no quiet zone.
    python-barcode encodes (reportlab's own barcode package would import every symbology)."""
    canvas.setFillColor(K)
    for first, count in _dark_runs([m == "1" for m in modules]):
        canvas.rect(x + first * module, y, count * module, height, stroke=0, fill=1)


def draw_slug(canvas: Canvas, frame: PageFrame, printer: Printer, info: SlugInfo) -> None:
    """The slug strip below the bottom crop marks: QR, Code 128 of the job id, and a text line."""
    mm = PT_PER_MM
    strip_top = frame.bleed.y_mm - printer.marks_margin_mm - 1.0
    strip_height = printer.slug_height_mm - 2.0
    left = frame.bleed.x_mm
    qr_size = strip_height
    _draw_qr(canvas, info.job_id, left * mm, (strip_top - qr_size) * mm, qr_size * mm)
    x = left + qr_size + 3.0
    available = max(frame.media.right_mm - x - 3.0, 10.0)
    bar_height = strip_height * 0.55
    modules = Code128(info.job_id).build()[0]  # '1' dark, '0' light; stop and termination bar included
    bar_width = min(0.33, (available * 0.6) / len(modules))
    _draw_bars(canvas, modules, x * mm, (strip_top - bar_height) * mm, bar_width * mm, bar_height * mm)
    fonts.font(SLUG_FONT)
    size = 6.0
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = info.text()
    if info.sandbox:  # in big letters above the line, beside the codes: no one on the floor misses it
        big = min(strip_height * 0.4 * mm, 14.0)
        canvas.setFillColor(K)
        canvas.setFont(SLUG_FONT, big)
        canvas.drawString((x + available * 0.62) * mm, (strip_top - bar_height) * mm, f"{SANDBOX} · DO NOT PRINT")
    while size > 3.0 and stringWidth(text, SLUG_FONT, size) > available * mm:
        size -= 0.5
    canvas.setFillColor(K)
    line = canvas.beginText(x * mm, (strip_top - strip_height) * mm + 1.0)
    line.setFont(SLUG_FONT, size)
    line.textOut(text)
    canvas.drawText(line)


def draw_sandbox_stamp(canvas: Canvas, frame: PageFrame) -> None:
    """SANDBOX in the bleed, along the bottom and top edges outside the trim (printers without a slug
    have no margin of their own; the bleed is cut off, or wraps behind a canvas). On a page without
    bleed it goes into the trim's bottom-left corner: a sandbox file must never pass for a real one."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    mm = PT_PER_MM
    fonts.font(SLUG_FONT)
    canvas.setFillColor(K)
    strip = frame.bleed.top_mm - frame.trim.top_mm
    size = min(STAMP_MAX_PT, max(strip * mm * 0.7, 4.0))
    text = f"{SANDBOX} · DO NOT PRINT · {SANDBOX}"
    step = stringWidth(text + "   ", SLUG_FONT, size) / mm
    if strip < 1.0:
        canvas.setFont(SLUG_FONT, size)
        canvas.drawString((frame.trim.x_mm + 1.0) * mm, (frame.trim.y_mm + 1.0) * mm, text)
        return
    canvas.setFont(SLUG_FONT, size)
    baselines = (frame.bleed.y_mm + (strip - size / mm * 0.72) / 2, frame.trim.top_mm + (strip - size / mm * 0.72) / 2)
    for y in baselines:
        x = frame.bleed.x_mm + 1.0
        while x < frame.bleed.right_mm - 1.0:
            canvas.drawString(x * mm, y * mm, text)
            x += step
