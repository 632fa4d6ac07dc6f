"""`printfiles.impose.geometry`: rectangles that touch do not overlap, exact quarter turns, mirrors and
compositions, and `place` puts a turned box's corner where it is asked."""

from __future__ import annotations

import pytest

from printfiles.impose.geometry import Affine, Rect, mirror_x, place, quarter_turn, translation


def test_rectangles_touching_do_not_overlap_and_containment_has_a_tolerance():
    a, b = Rect.of(0, 0, 10, 10), Rect.of(10, 0, 5, 5)
    assert (a.width, a.height, a.area) == (10, 10, 100)
    assert not a.overlaps(b) and a.grow(0.1).overlaps(b)
    assert a.contains(Rect(0, 0, 10 + 1e-7, 10)) and not a.contains(Rect(0, 0, 10.01, 10))
    assert a.translate(2, 3) == Rect(2, 3, 12, 13)


@pytest.mark.parametrize(("turns", "point"), [(0, (2, 1)), (1, (-1, 2)), (2, (-2, -1)), (3, (1, -2)), (5, (-1, 2))])
def test_quarter_turns_are_exact(turns, point):
    assert quarter_turn(turns).apply(2, 1) == point
    assert quarter_turn(turns).determinant == 1


def test_then_composes_in_order_and_mirrors_flip_the_sign():
    shift_then_turn = translation(1, 0).then(quarter_turn(1))
    assert shift_then_turn.apply(0, 0) == (0, 1)  # shifted to (1, 0) first, then turned
    assert quarter_turn(1).then(translation(1, 0)).apply(0, 0) == (1, 0)
    mirror = mirror_x(5)
    assert mirror.apply(2, 7) == (8, 7) and mirror.determinant == -1
    assert mirror.then(mirror).apply(3, 4) == (3, 4)
    assert Affine(2, 0, 0, 2, 1, 1).scaled_translation(10) == Affine(2, 0, 0, 2, 10, 10)


@pytest.mark.parametrize("turns", range(4))
def test_place_puts_the_turned_box_at_its_corner(turns):
    source = Rect(3, 4, 13, 34)  # 10 x 30
    placed = place(source, turns, 100, 200).map_rect(source)
    size = (10, 30) if turns % 2 == 0 else (30, 10)
    assert (placed.x0, placed.y0, placed.width, placed.height) == pytest.approx((100, 200, *size))
