"""Which page goes where: quantities across sheets, page order, formats apart, stock never mixed,
and the back of every card exactly behind its front once the sheet is turned over its long edge."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printfiles.impose import ImposeError, MixedOutputError, sheet_for
from printfiles.impose.plan import plan_sheets
from tests.printfiles.impose_cards import synthetic_card

TOL = 0.01  # mm


@pytest.fixture(scope="module")
def sheet(catalogue):
    return sheet_for(catalogue.printer("card-digital"))


def corners(rect):
    return {(rect.x0, rect.y0), (rect.x1, rect.y0), (rect.x0, rect.y1), (rect.x1, rect.y1)}


def close(p, q):
    return abs(p[0] - q[0]) <= TOL and abs(p[1] - q[1]) <= TOL


def assert_registered(plan):
    """For each card: every point of its back page, turned with the sheet (x -> W - x), lies on the
    point of the front page the card has behind it (the card turns over its vertical axis)."""
    width = plan.sheet.width
    by_sheet = {}
    for side in plan.sides:
        by_sheet.setdefault(side.number, {})[side.side] = side
    for sides in by_sheet.values():
        for front, back in zip(sides["front"].placed, sides["back"].placed, strict=True):
            assert (front.card, front.copy) == (back.card, back.copy)
            card = plan.cards[front.card]
            t0, t1 = card.pages[0].trim, card.pages[1].trim
            pairs = [((t1.x0, t1.y0), (t0.x1, t0.y0)), ((t1.x1, t1.y0), (t0.x0, t0.y0)),
                     ((t1.x0, t1.y1), (t0.x1, t0.y1)), ((t1.x0 + 20, t1.y0 + 30), (t0.x1 - 20, t0.y0 + 30))]
            for on_back, on_front in pairs:
                bx, by = back.matrix.apply(*on_back)
                assert close((width - bx, by), front.matrix.apply(*on_front))
            assert back.matrix.determinant == pytest.approx(1.0)  # turned, never mirrored


def test_quantities_fill_sheets_in_order_front_then_back(sheet):
    a6 = synthetic_card("a.pdf", 105, 148)
    plan = plan_sheets([a6], [7], sheet)
    assert [(s.number, s.side, len(s.placed)) for s in plan.sides] == [
        (1, "front", 5), (1, "back", 5), (2, "front", 2), (2, "back", 2)]
    assert sorted(p.copy for s in plan.sides if s.side == "front" for p in s.placed) == list(range(1, 8))
    assert_registered(plan)


def test_one_page_cards_have_no_backs_and_formats_get_their_own_sheets(sheet):
    flat = synthetic_card("flat.pdf", 105, 148, pages=1)
    din = synthetic_card("din.pdf", 99, 210)
    plan = plan_sheets([flat, din, flat], [2, 4, 1], sheet)
    assert [(s.number, s.side, len(s.placed)) for s in plan.sides] == [
        (1, "front", 3), (2, "front", 3), (2, "back", 3), (3, "front", 1), (3, "back", 1)]
    for side in plan.sides:
        assert len({plan.cards[p.card].format_key for p in side.placed}) == 1


def test_different_output_conditions_are_an_error_naming_the_files(sheet):
    uncoated = synthetic_card("birthday.pdf", 105, 148)
    coated = synthetic_card("wedding.pdf", 105, 148, condition="FOGRA39", icc=b"icc-39")
    with pytest.raises(MixedOutputError, match=r"FOGRA39: wedding\.pdf; FOGRA47: birthday\.pdf") as info:
        plan_sheets([uncoated, coated], [1, 1], sheet)
    assert info.value.by_condition == {"FOGRA39": ["wedding.pdf"], "FOGRA47": ["birthday.pdf"]}
    other_icc = synthetic_card("odd.pdf", 105, 148, icc=b"another FOGRA47 profile")
    with pytest.raises(MixedOutputError, match=r"FOGRA47 \(ICC [0-9a-f]{8}\): odd\.pdf"):
        plan_sheets([uncoated, other_icc], [1, 1], sheet)


def test_a_card_larger_than_the_sheet_and_bad_quantities_are_errors(sheet):
    with pytest.raises(ImposeError, match=r"poster\.pdf: .* does not fit"):
        plan_sheets([synthetic_card("poster.pdf", 500, 700)], [1], sheet)
    with pytest.raises(ImposeError, match="at least 1"):
        plan_sheets([synthetic_card("a.pdf", 105, 148)], [0], sheet)


@settings(max_examples=60, deadline=None)
@given(w=st.floats(40, 300), h=st.floats(40, 300), quantity=st.integers(1, 12), pages=st.sampled_from([1, 2]),
       offset=st.floats(0, 30), size=st.sampled_from([None, (330, 488), (297, 420), (350, 500)]))
def test_plan_properties(catalogue, w, h, quantity, pages, offset, size):
    sheet = sheet_for(catalogue.printer("card-digital"), size)
    card = synthetic_card("c.pdf", w, h, pages=pages, offset=offset)
    try:
        plan = plan_sheets([card], [quantity], sheet)
    except ImposeError:
        area = sheet.card_area
        fits_upright = w + 6 <= area.width and h + 6 <= area.height
        fits_turned = h + 6 <= area.width and w + 6 <= area.height
        assert not (fits_upright or fits_turned)
        return
    assert sum(len(s.placed) for s in plan.sides if s.side == "front") == quantity
    for side in plan.sides:
        for p in side.placed:
            assert sheet.printable.contains(p.bleed) and p.bleed.contains(p.trim)
            assert abs(p.trim.width * p.trim.height - w * h) < 1e-6  # scale 1
        for one, two in itertools.combinations(side.placed, 2):
            assert not one.bleed.overlaps(two.bleed)
            assert not one.bleed.overlaps(two.trim) and not one.trim.overlaps(two.trim)
    if pages == 2:
        assert_registered(plan)
