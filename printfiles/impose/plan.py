"""From cards and quantities to sheet sides: which page of which card goes where, by what matrix.

Pure arithmetic, no PDF: the writer only draws what the plan says, and the tests check the plan's
promises (no overlap, inside the printable area, backs behind fronts) on the same numbers the
writer puts into the `cm` operators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from printfiles.impose.cards import CardFile, CardPage
from printfiles.impose.errors import ImposeError, MixedOutputError
from printfiles.impose.geometry import Affine, Rect, place
from printfiles.impose.layout import Layout, Slot, best_layout
from printfiles.impose.sheet import SheetSpec

Point = tuple[float, float]


@dataclass(frozen=True)
class Placed:
    """One card page on one sheet side; boxes in sheet mm."""

    card: int  # index into Plan.cards
    copy: int  # 1..quantity
    page: int
    matrix: Affine  # card page mm -> sheet mm
    trim: Rect
    bleed: Rect
    fold: tuple[Point, Point] | None  # the fold line across the trim, on the sheet


@dataclass(frozen=True)
class SheetSide:
    """One page of the output PDF: one side of one physical sheet."""

    number: int  # physical sheet, 1..sheets
    side: str  # "front" | "back"
    format: str  # product id, or the card's trim size
    placed: tuple[Placed, ...]


@dataclass(frozen=True)
class Plan:
    sheet: SheetSpec
    cards: tuple[CardFile, ...]
    sides: tuple[SheetSide, ...]
    layouts: dict[str, Layout]

    @property
    def sheets(self) -> int:
        return max((s.number for s in self.sides), default=0)


def check_intents(cards: Sequence[CardFile]) -> None:
    """MixedOutputError naming the files of each condition when the cards do not share one."""
    keys = {c.intent.key for c in cards}
    if len(keys) <= 1:
        return
    names = {c.intent.condition_identifier for c in cards}
    by: dict[str, list[str]] = {}
    for card in cards:
        label = card.intent.condition_identifier
        if len(names) < len(keys):  # same name, other profile: tell them apart by the profile's hash
            label = f"{label} (ICC {card.intent.key[1][:8]})"
        by.setdefault(label, []).append(card.label)
    raise MixedOutputError(by)


def _page_placement(page: CardPage, matrix: Affine, card: int, copy: int) -> Placed:
    fold = None
    if page.fold_x is not None:
        x = page.trim.x0 + page.fold_x
        fold = (matrix.apply(x, page.trim.y0), matrix.apply(x, page.trim.y1))
    trim, bleed = matrix.map_rect(page.trim), matrix.map_rect(page.bleed)
    return Placed(card, copy, page.index, matrix, trim, bleed, fold)


def behind(front: CardPage, back: CardPage) -> Affine:
    """Back page mm -> front page mm of the point on the other side of the card: the card turns
    over its vertical axis, so the back's left edge lies behind the front's right edge."""
    return Affine(a=-1.0, e=front.trim.x0 + back.trim.x0 + front.trim.width, f=front.trim.y0 - back.trim.y0)


def _sides(card_index: int, card: CardFile, copy: int, slot: Slot,
           sheet: SheetSpec) -> tuple[Placed, Placed | None]:
    front = card.pages[0]
    matrix = place(front.bleed, 1 if slot.turned else 0, slot.x, slot.y)
    placed_front = _page_placement(front, matrix, card_index, copy)
    if not card.duplex:
        return placed_front, None
    back = card.pages[1]
    back_matrix = behind(front, back).then(matrix).then(sheet.turn())
    return placed_front, _page_placement(back, back_matrix, card_index, copy)


def _format_name(card: CardFile) -> str:
    t = card.pages[0].trim
    return card.product_id or f"{t.width:.1f} x {t.height:.1f} mm"


def plan_sheets(cards: Sequence[CardFile], quantities: Sequence[int], sheet: SheetSpec) -> Plan:
    """Every copy of every card on as few sheets as its format's best layout allows; formats do not
    share sheets. Sides come front 1, back 1, front 2, ... (backs only for two-page cards)."""
    if len(cards) != len(quantities) or not cards:
        raise ImposeError("give at least one card, each with a quantity")
    if any(q < 1 for q in quantities):
        raise ImposeError("every quantity must be at least 1")
    check_intents(cards)
    groups: dict[tuple[object, ...], list[int]] = {}
    for index, card in enumerate(cards):
        groups.setdefault(card.format_key, []).append(index)
    sides: list[SheetSide] = []
    layouts: dict[str, Layout] = {}
    number = 0
    for members in groups.values():
        first = cards[members[0]]
        bleed = first.pages[0].bleed
        layout = best_layout(bleed.width, bleed.height, sheet.card_area, sheet.gutter)
        if layout.count == 0:
            raise ImposeError(f"{first.label}: {bleed.width:.1f} x {bleed.height:.1f} mm with bleed does not "
                              f"fit the printable area of a {sheet.width:g} x {sheet.height:g} mm sheet")
        name = _format_name(first)
        layouts[name] = layout
        copies = [(i, n) for i in members for n in range(1, quantities[i] + 1)]
        for start in range(0, len(copies), layout.count):
            number += 1
            pairs = [_sides(i, cards[i], n, slot, sheet)
                     for (i, n), slot in zip(copies[start:start + layout.count], layout.slots, strict=False)]
            sides.append(SheetSide(number, "front", name, tuple(f for f, _ in pairs)))
            if first.duplex:
                sides.append(SheetSide(number, "back", name, tuple(b for _, b in pairs if b is not None)))
    return Plan(sheet=sheet, cards=tuple(cards), sides=tuple(sides), layouts=layouts)
