"""Printer profiles: validated data, every product's printer defined."""

from __future__ import annotations

import pytest

from profiles.catalogue import CatalogueError, load_catalogue
from profiles.printers import Printer, load_printers


def test_the_three_printers_exist_and_differ():
    printers = load_printers()
    assert {"poster-inkjet", "canvas-inkjet", "card-digital"} <= set(printers)
    assert printers["poster-inkjet"].crop_marks and printers["poster-inkjet"].slug
    assert not printers["canvas-inkjet"].crop_marks and not printers["canvas-inkjet"].slug
    assert printers["canvas-inkjet"].margins_mm() == (0, 0, 0, 0)


def test_every_product_names_a_known_printer():
    catalogue = load_catalogue()
    for product in catalogue.products.values():
        assert load_catalogue().printer(product.printer).id == product.printer


def test_bad_printer_data_names_file_and_field(tmp_path):
    path = tmp_path / "printers.toml"
    path.write_text('[[printer]]\nid = "x"\nname = "X"\nmark_length_mm = -1\n')
    with pytest.raises(CatalogueError, match=r"printers.toml: printer x: mark_length_mm"):
        load_printers(path)


def test_unknown_printer_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown printer 'nope'"):
        load_catalogue().printer("nope")


def test_margins_leave_room_for_marks_and_the_slug_below():
    printer = Printer(id="p", name="P", crop_marks=True, mark_offset_mm=2, mark_length_mm=5, slug=True,
                      slug_height_mm=12)
    assert printer.marks_margin_mm == 7 and printer.margins_mm() == (7, 7, 19, 7)
    assert Printer(id="q", name="Q", slug=True, slug_height_mm=10).margins_mm() == (0, 0, 10, 0)


def test_a_printer_id_twice_is_an_error(tmp_path):
    path = tmp_path / "printers.toml"
    path.write_text('[[printer]]\nid = "x"\nname = "X"\n[[printer]]\nid = "x"\nname = "Y"\n')
    with pytest.raises(CatalogueError, match="printer id 'x' appears twice"):
        load_printers(path)
    (tmp_path / "bad.toml").write_text("[[printer]\n")
    with pytest.raises(CatalogueError, match="cannot read printers"):
        load_printers(tmp_path / "bad.toml")
