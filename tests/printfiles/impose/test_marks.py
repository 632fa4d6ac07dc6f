"""Crop and fold marks on gang sheets: at every trim corner, never in any bleed, inside the press's
printable area and clear of the slug."""

from __future__ import annotations

import pytest

from printfiles.impose import sheet_for
from printfiles.impose.geometry import Rect
from printfiles.impose.marks import MIN_MARK_MM, ray_mark, sheet_marks
from printfiles.impose.plan import plan_sheets
from tests.printfiles.impose_cards import CARD_PRODUCTS, synthetic_card


def _card_for(catalogue, product_id):
    product = catalogue.get(product_id)
    page = product.layout()[0]
    return synthetic_card(product_id, page.width_mm, page.height_mm, fold=page.fold_x_mm)


@pytest.mark.parametrize("size", [None, (330, 488), (297, 420)])
@pytest.mark.parametrize("product_id", CARD_PRODUCTS)
def test_marks_at_every_corner_outside_every_bleed(catalogue, product_id, size):
    sheet = sheet_for(catalogue.printer("card-digital"), size)
    plan = plan_sheets([_card_for(catalogue, product_id)], [12], sheet)
    for side in plan.sides:
        marks = sheet_marks(side.placed, sheet)
        assert marks
        for mark in marks:
            box = mark.box()
            assert sheet.printable.contains(box)
            assert not box.overlaps(sheet.slug_rect, 0)
            assert mark.length >= MIN_MARK_MM and mark.length <= sheet.mark_length + 1e-9
            for p in side.placed:  # clear of every bleed by at least the mark offset
                assert not box.overlaps(p.bleed.grow(sheet.mark_offset - 1e-6), 0), (mark, p.bleed)
        crop = [m for m in marks if not m.dashed]
        for p in side.placed:
            for x in (p.trim.x0, p.trim.x1):  # vertical lines: a mark above and one below the card
                ends = [m for m in crop if m.x0 == m.x1 == pytest.approx(x, abs=1e-9)]
                assert any(min(m.y0, m.y1) == pytest.approx(p.bleed.y1 + sheet.mark_offset) for m in ends)
                assert any(max(m.y0, m.y1) == pytest.approx(p.bleed.y0 - sheet.mark_offset) for m in ends)
            for y in (p.trim.y0, p.trim.y1):
                ends = [m for m in crop if m.y0 == m.y1 == pytest.approx(y, abs=1e-9)]
                assert any(min(m.x0, m.x1) == pytest.approx(p.bleed.x1 + sheet.mark_offset) for m in ends)
                assert any(max(m.x0, m.x1) == pytest.approx(p.bleed.x0 - sheet.mark_offset) for m in ends)


def test_fold_marks_are_dashed_on_the_fold_line(catalogue):
    sheet = sheet_for(catalogue.printer("card-digital"))
    plan = plan_sheets([_card_for(catalogue, "card-a6-folded")], [2], sheet)
    for side in plan.sides:
        folds = [m for m in sheet_marks(side.placed, sheet) if m.dashed]
        for p in side.placed:
            (x, _), _ = p.fold
            assert x == pytest.approx((p.trim.x0 + p.trim.x1) / 2)  # the spread folds in the middle
            on_line = [m for m in folds if m.x0 == m.x1 == pytest.approx(x)]
            starts = {(round(m.y0, 6), m.y1 > m.y0) for m in on_line}  # up from above, down from below
            assert {(round(p.bleed.y1 + sheet.mark_offset, 6), True),
                    (round(p.bleed.y0 - sheet.mark_offset, 6), False)} <= starts
    flat = plan_sheets([_card_for(catalogue, "card-a6-flat")], [2], sheet)
    assert not any(m.dashed for s in flat.sides for m in sheet_marks(s.placed, sheet))


def test_a_mark_stops_short_of_a_neighbour_and_one_without_room_is_left_out():
    bounds = Rect(0, 0, 100, 100)
    neighbour = Rect(14, 0, 40, 50)
    mark = ray_mark(10, 20, 1, 0, 5, [neighbour], bounds)
    assert (mark.x0, mark.x1, mark.y0, mark.y1) == (10, 14, 20, 20)
    assert ray_mark(10, 20, 1, 0, 5, [Rect(10.5, 0, 40, 50)], bounds) is None  # 0.5 mm < MIN_MARK_MM
    assert ray_mark(10, 60, 1, 0, 5, [neighbour], bounds).x1 == 15  # passes above the neighbour
    assert ray_mark(98, 60, 1, 0, 5, [], bounds).x1 == 100  # cut at the printable area
    assert ray_mark(99.5, 60, 1, 0, 5, [], bounds) is None
    assert ray_mark(20, 20, 1, 0, 5, [neighbour], bounds) is None  # starts inside a bleed
