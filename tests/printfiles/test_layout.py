"""Page boxes per product and printer: TrimBox and BleedBox fixed, MediaBox grows for marks/slug."""

from __future__ import annotations

import pytest

from printfiles.layout import PT_PER_MM, Box, page_frames
from profiles.catalogue import Orientation, load_catalogue
from profiles.printers import Printer

NO_SLUG = Printer(id="bare", name="no marks, no slug")


def test_poster_without_slug_has_media_equal_bleed(catalogue):
    [frame] = page_frames(catalogue.get("poster-50x70"), None, NO_SLUG)
    assert (frame.media.width_mm, frame.media.height_mm) == pytest.approx((506, 706), abs=1e-9)
    assert frame.media == frame.bleed
    assert (frame.trim.x_mm, frame.trim.y_mm, frame.trim.width_mm, frame.trim.height_mm) == pytest.approx(
        (3, 3, 500, 700)
    )


def test_landscape_turns_the_page(catalogue):
    [frame] = page_frames(catalogue.get("poster-50x70"), Orientation.landscape, NO_SLUG)
    assert (frame.trim.width_mm, frame.trim.height_mm) == (700, 500)


@pytest.mark.parametrize("printer_id", ["poster-inkjet", "card-digital", "canvas-inkjet"])
def test_marks_and_slug_grow_only_the_media(catalogue, printer_id):
    printer = load_catalogue().printer(printer_id)
    product = catalogue.get("poster-30x40")
    [bare] = page_frames(product, None, NO_SLUG)
    [frame] = page_frames(product, None, printer)
    top, right, bottom, left = printer.margins_mm()
    assert frame.media.width_mm == pytest.approx(bare.media.width_mm + left + right)
    assert frame.media.height_mm == pytest.approx(bare.media.height_mm + top + bottom)
    assert (frame.trim.width_mm, frame.trim.height_mm) == (bare.trim.width_mm, bare.trim.height_mm)
    assert frame.trim.x_mm - frame.bleed.x_mm == pytest.approx(product.bleed_mm)
    assert frame.media.contains(frame.bleed) and frame.bleed.contains(frame.trim)
    if printer.slug:
        assert bottom > top  # the slug strip sits below the bottom marks


def test_canvas_bleed_is_wrap_plus_bleed(catalogue):
    product = catalogue.get("canvas-60x40")
    [frame] = page_frames(product, None, load_catalogue().printer(product.printer))
    assert frame.bleed_mm == pytest.approx(20 + 15 + 5)
    assert frame.bleed.width_mm == pytest.approx(600 + 2 * 40)


def test_card_spreads(catalogue):
    frames = page_frames(catalogue.get("card-a6-folded"), None, load_catalogue().printer("card-digital"))
    assert [(f.page.name, f.trim.width_mm, f.trim.height_mm) for f in frames] == [
        ("outside", 210, 148),
        ("inside", 210, 148),
    ]


def test_box_points_are_exact_to_a_hundredth_mm():
    box = Box(3.0, 3.0, 500.0, 700.0)
    llx, lly, urx, ury = box.pdf_array()
    assert float(urx - llx) / PT_PER_MM == pytest.approx(500.0, abs=0.001)
    assert float(lly) / PT_PER_MM == pytest.approx(3.0, abs=0.001)


def test_trim_coordinates_convert_to_pdf(catalogue):
    front, frame = page_frames(catalogue.get("card-a6-flat"), None, NO_SLUG)
    assert front.page.name == "front" and frame.page.name == "back"
    box = frame.rect_to_pdf(10, 10, 85, 128)  # the greeting area, from the trim's top-left
    assert box.x_mm == pytest.approx(frame.trim.x_mm + 10)
    assert box.top_mm == pytest.approx(frame.trim.top_mm - 10)
