"""Placement: the most bleed boxes per sheet, never overlapping, never outside the card area."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printfiles.impose import capacity, sheet_for
from printfiles.impose.geometry import Rect
from printfiles.impose.layout import best_layout, fits
from profiles.catalogue import Kind

SHEETS = [None, (330, 488), (297, 420), (350, 500), (250, 353), (450, 320)]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "ARCHITECTURE.md"


def naive(w: float, h: float, area: Rect, gutter: float) -> int:
    """The plain grid, best of both orientations, counted on its own here."""
    return max(fits(area.width, a, gutter) * fits(area.height, b, gutter) for a, b in ((w, h), (h, w)))


def assert_sound(boxes: list[Rect], area: Rect, gutter: float) -> None:
    for box in boxes:
        assert area.contains(box), (box, area)
    for one, two in itertools.combinations(boxes, 2):
        assert not one.grow(gutter / 2 - 1e-6).overlaps(two.grow(gutter / 2 - 1e-6)), (one, two, gutter)


def card_products(catalogue):
    return [p for p in catalogue.products.values() if p.kind is Kind.card]


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


def test_mixed_beats_the_plain_grid_where_it_helps(catalogue):
    sheet = sheet_for(catalogue.printer("card-digital"))
    cap = capacity(catalogue.get("card-a6-flat"), sheet)
    assert cap.kind == "mixed"
    assert cap.per_sheet == 5 > naive(111, 154, sheet.card_area, sheet.gutter) == 4
    assert {s.turned for s in cap.layout.slots} == {True, False}


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


def test_the_architecture_table_is_what_the_code_computes(catalogue):
    """docs/ARCHITECTURE.md lists cards per sheet and paper use on the printer's sheet; recompute."""
    sheet = sheet_for(catalogue.printer("card-digital"))
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| [^|]+\| (\d+) \| ([a-z ]+) \| ([\d.]+) % \|$",
                      DOCS.read_text(encoding="utf-8"), re.MULTILINE)
    assert {r[0] for r in rows} == {p.id for p in card_products(catalogue)}
    for product_id, count, kind, use in rows:
        cap = capacity(catalogue.get(product_id), sheet)
        computed = (cap.per_sheet, cap.kind, round(cap.paper_use * 100, 1))
        assert computed == (int(count), kind.strip(), float(use))
