"""The catalogue: every product of both brands, validated data, clear errors naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from profiles.catalogue import CatalogueError, Orientation, load_catalogue, load_products

POSTERS = ["poster-20x30", "poster-30x40", "poster-40x60", "poster-50x70", "poster-60x90", "poster-70x100",
           "poster-100x150"]
CANVAS = ["canvas-40x30", "canvas-60x40", "canvas-90x60", "canvas-120x80"]
CARDS = ["card-a6-folded", "card-a6-flat", "card-square-folded", "invitation-din-long"]


def test_both_brands_have_their_products():
    catalogue = load_catalogue()
    assert {p.id for p in catalogue.for_brand("myposter")} == set(POSTERS + CANVAS)
    assert {p.id for p in catalogue.for_brand("kartenliebe")} == set(CARDS)


def test_sizes_orientation_and_canvas_frame():
    catalogue = load_catalogue()
    poster = catalogue.get("poster-50x70")
    assert poster.trim_mm() == (500, 700) and poster.trim_mm(Orientation.landscape) == (700, 500)
    canvas = catalogue.get("canvas-40x30")
    assert canvas.trim_mm() == (400, 300) and canvas.canvas.frame_depth_mm == 20
    assert canvas.with_options({"frame_depth_mm": "40"}).canvas.frame_depth_mm == 40
    with pytest.raises(ValueError, match="frame_depth_mm"):
        canvas.with_options({"frame_depth_mm": "deep"})
    folded = catalogue.get("card-a6-folded")
    assert [(p.name, p.width_mm, p.height_mm) for p in folded.layout()] == [("outside", 210, 148),
                                                                          ("inside", 210, 148)]
    assert catalogue.get("card-square-folded").layout()[0].width_mm == 290


def test_a_bad_file_names_the_file_and_the_field(tmp_path: Path):
    bad = tmp_path / "shop.toml"
    bad.write_text('brand = "x"\n[[product]]\nid = "p-1"\nkind = "poster"\nname = "P"\nwidth_mm = -5\n'
                   'height_mm = 10\nprinter = "poster-inkjet"\n')
    with pytest.raises(CatalogueError, match=r"shop.toml: product p-1: width_mm: Input should be greater than 0"):
        load_products(bad)
    bad.write_text('brand = "x"\n[[product]]\nid = "p-1"\nkind = "poster"\nname = "P"\nwidth_mm = 5\n'
                   'height_mm = 10\nprinter = "poster-inkjet"\noutput_profile = "NOPE"\n')
    with pytest.raises(CatalogueError, match="output_profile 'NOPE'"):
        load_products(bad)


def test_adding_a_product_is_a_data_change(tmp_path: Path):
    folder = tmp_path / "products"
    folder.mkdir()
    (folder / "extra.toml").write_text('brand = "myposter"\n[[product]]\nid = "poster-a2"\nkind = "poster"\n'
                                       'name = "Poster A2"\nwidth_mm = 420\nheight_mm = 594\n'
                                       'printer = "poster-inkjet"\n')
    assert load_catalogue(tmp_path).get("poster-a2").trim_mm() == (420, 594)


def test_every_product_names_a_known_printer(tmp_path: Path):
    catalogue = load_catalogue()
    assert {p.printer for p in catalogue.products.values()} <= set(catalogue.printers)
    folder = tmp_path / "products"
    folder.mkdir()
    (folder / "extra.toml").write_text('brand = "myposter"\n[[product]]\nid = "poster-a2"\nkind = "poster"\n'
                                       'name = "Poster A2"\nwidth_mm = 420\nheight_mm = 594\n'
                                       'printer = "offset-press"\n')
    with pytest.raises(CatalogueError, match="product poster-a2: printer 'offset-press' is not in the printer"):
        load_catalogue(tmp_path)
    (tmp_path / "printers.toml").write_text('[[printer]]\nid = "offset-press"\nname = "Offset"\n')
    assert load_catalogue(tmp_path).printer("offset-press").crop_marks is False
