"""Printer profiles: validated data, every product's printer defined."""

from __future__ import annotations

import pytest

from profiles.catalogue import CatalogueError, load_catalogue
from profiles.printers import load_printers


def test_the_three_printers_exist_and_differ():
    printers = load_printers()
    assert {"poster-inkjet", "canvas-inkjet", "card-digital"} <= set(printers)
    assert printers["poster-inkjet"].crop_marks and printers["poster-inkjet"].slug
    assert not printers["canvas-inkjet"].crop_marks and not printers["canvas-inkjet"].slug
    assert printers["canvas-inkjet"].margins_mm() == (0, 0, 0, 0)


def test_every_product_names_a_known_printer(catalogue):
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
