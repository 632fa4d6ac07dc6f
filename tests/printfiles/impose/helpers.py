"""Shared by the imposition tests: the plain grid counted on its own, soundness of a layout, the card
products, and a built card job on press sheets."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from printfiles.impose import CardOrder, impose_cards
from printfiles.impose.geometry import Rect
from printfiles.impose.layout import fits
from printfiles.layout import PT_PER_MM
from profiles.catalogue import Kind
from tests.printfiles.impose_cards import card_file


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


def card_job(catalogue, root):
    """A folded (3) and a flat (6) card job imposed on the card printer's sheets: (result, folded, flat)."""
    folded = card_file(catalogue, "card-a6-folded", root)
    flat = card_file(catalogue, "card-a6-flat", root)
    result = impose_cards([CardOrder(folded, 3, "job-folded"), CardOrder(flat, 6, "job-flat")],
                          catalogue.printer("card-digital"), root / "sheets.pdf", catalogue=catalogue,
                          run_id="t1", created_at=datetime(2026, 11, 24, 12, tzinfo=UTC))
    return result, folded, flat


def mm(array):
    return [float(v) / PT_PER_MM for v in array]
