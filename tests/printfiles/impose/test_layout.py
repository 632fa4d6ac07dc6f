"""Placement: the most bleed boxes per sheet, never overlapping, never outside the card area."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printfiles.impose import capacity, sheet_for
from printfiles.impose.geometry import Rect
from printfiles.impose.layout import best_layout
from tests.printfiles.impose.helpers import assert_sound, card_products, naive

SHEETS = [None, (330, 488), (297, 420), (350, 500), (250, 353), (450, 320)]


@pytest.mark.parametrize("size", SHEETS, ids=lambda s: "printer" if s is None else f"{s[0]}x{s[1]}")
def test_every_card_product_on_several_sheets(catalogue, size):
    sheet = sheet_for(catalogue.printer("card-digital"), size)
    assert card_products(catalogue)
    for product in card_products(catalogue):
        cap = capacity(product, sheet)
        boxes = cap.layout.boxes()
        assert_sound(boxes, sheet.card_area, sheet.gutter)
        assert sheet.printable.contains(sheet.card_area)
        w, h = boxes[0].width, boxes[0].height
        assert cap.per_sheet >= naive(w, h, sheet.card_area, sheet.gutter)
        assert cap.per_sheet * w * h <= sheet.card_area.area
        page = product.layout()[0]
        full = (page.width_mm + 6, page.height_mm + 6)  # scale 1 with the 3 mm bleed all round
        assert {(round(b.width, 6), round(b.height, 6)) for b in boxes} <= {full, full[::-1]}


def test_a_card_that_does_not_fit_gives_an_empty_layout():
    assert best_layout(200, 300, Rect(0, 0, 150, 400), 2).count == 0
    assert best_layout(200, 100, Rect(0, 0, 150, 400), 2).count == 1  # turned only; 2 need 402 mm
    assert best_layout(200, 100, Rect(0, 0, 150, 402), 2).count == 2


@settings(max_examples=150, deadline=None)
@given(
    w=st.floats(10, 320), h=st.floats(10, 320),
    area_w=st.floats(30, 500), area_h=st.floats(30, 500),
    gutter=st.floats(0, 12),
)
def test_layout_properties(w, h, area_w, area_h, gutter):
    area = Rect(7.0, 11.0, 7.0 + area_w, 11.0 + area_h)
    layout = best_layout(w, h, area, gutter)
    boxes = layout.boxes()
    assert_sound(boxes, area, gutter)
    assert layout.count >= naive(w, h, area, gutter)
    assert layout.count * w * h <= area.area + 1e-6
