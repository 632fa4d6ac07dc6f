"""`printfiles.impose.sheet`: a press sheet from the printer's profile (short edge first), its printable
area, slug strip and card area, back-side mirroring, and sheet sizes given as text."""

from __future__ import annotations

import pytest

from printfiles.impose import ImposeError
from printfiles.impose.sheet import parse_size, sheet_for
from profiles.printers import Printer

PRESS = Printer(id="press", name="Press", crop_marks=True, mark_offset_mm=2, mark_length_mm=5, slug=True,
                slug_height_mm=10, sheet_width_mm=450, sheet_height_mm=320, gripper_mm=12, side_margin_mm=5,
                gutter_mm=2)


def test_the_sheet_of_a_printer_and_its_areas():
    sheet = sheet_for(PRESS)
    assert (sheet.width, sheet.height, sheet.gutter) == (320, 450, 2)  # short edge x long edge
    assert sheet.printable == sheet.media.__class__(5, 12, 315, 445)
    assert sheet.slug_rect.y1 == 445 and sheet.slug_rect.height == 10
    area = sheet.card_area
    assert (area.x0, area.y0, area.x1, area.y1) == (12, 19, 308, 428)  # 7 mm for marks; the slug on top
    assert sheet.turn().apply(0, 100) == (320, 100)


def test_a_size_overrides_the_printers_sheet_and_no_sheet_is_an_error():
    assert (sheet_for(PRESS, (700, 500)).width, sheet_for(PRESS, (700, 500)).height) == (500, 700)
    with pytest.raises(ImposeError, match="one page per sheet"):
        sheet_for(Printer(id="roll", name="Roll"))
    with pytest.raises(ImposeError, match="leaves no room for cards"):
        sheet_for(PRESS, (20, 30))


@pytest.mark.parametrize(("text", "size"), [("320x450", (320, 450)), ("330 × 488", (330, 488)), ("1X2.5", (1, 2.5))])
def test_parse_size(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["320", "axb", "0x10", "10x-1", "1x2x3"])
def test_parse_size_refuses_nonsense(text):
    with pytest.raises(ImposeError, match="sheet size"):
        parse_size(text)
