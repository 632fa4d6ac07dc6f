"""Multi-page cards: spreads, photo slots, required photos, and the fonts they offer (the customer's text:
test_text.py; its colour: test_colour.py)."""

from __future__ import annotations

import pikepdf
import pytest

from printfiles.layout import PT_PER_MM
from render.errors import RenderError

SPREADS = {
    "card-a6-folded": [(210, 148)] * 2,
    "card-square-folded": [(290, 145)] * 2,
    "card-a6-flat": [(105, 148)] * 2,
    "invitation-din-long": [(99, 210)] * 2,
}


def _mm(array) -> list[float]:
    return [float(v) / PT_PER_MM for v in array]


@pytest.mark.parametrize("product_id", sorted(SPREADS))
def test_pages_and_boxes(build, product_id):
    result = build(product_id, ppi=30)
    with pikepdf.open(result.printfile) as pdf:
        sizes = []
        for page in pdf.pages:
            trim, bleed, media = (_mm(page.obj[k]) for k in ("/TrimBox", "/BleedBox", "/MediaBox"))
            sizes.append((round(trim[2] - trim[0], 2), round(trim[3] - trim[1], 2)))
            assert trim[0] - bleed[0] == pytest.approx(3, abs=0.01)
            assert media[0] <= bleed[0] and media[2] >= bleed[2]
    assert sizes == SPREADS[product_id]
    assert result.report.preflight.verdict != "fail", [f.message.en for f in result.report.preflight.findings]


def test_inside_photo_slot_bleeds_only_on_outer_edges(build, catalogue):
    result = build("card-a6-folded", ppi=30, images=[{"slot": "inside-left", "image": {"upload_id": "u1"}}])
    inside = [s for s in result.report.slots if s.slot == "inside-left"]
    assert len(result.report.slots) == 2 and len(inside) == 1
    placed = inside[0].placed
    page = result.report.pages[1]
    assert placed.x_mm == pytest.approx(page.trim.x_mm - 3, abs=0.01)
    assert placed.x_mm + placed.width_mm == pytest.approx(page.trim.x_mm + 105, abs=0.01)  # ends at the fold
    assert placed.height_mm == pytest.approx(148 + 6, abs=0.01)
    assert len(result.report.preflight.images) == 2


def test_missing_front_photo_is_an_error(build):
    with pytest.raises(RenderError, match="image: 'card-a6-folded' needs a photo in slot 'front'"):
        build("card-a6-folded", image=None, texts=[{"area": "greeting", "text": "Hallo"}])


def test_every_font_the_catalogue_offers_ships_with_a_licence(catalogue):
    from profiles import fonts

    offered = {
        f for p in catalogue.products.values() for page in p.pages for a in page.text_areas for f in a.fonts
    }
    assert offered and offered <= set(fonts.FONT_FILES)
    for font_id in offered:
        assert (fonts.FONT_DIR / fonts.FONT_FILES[font_id]).is_file()
        assert not fonts.covers(font_id, "äöüßÄÖÜéèàçñìòùĳĲ€„“«»¡¿")
    assert (fonts.FONT_DIR / "LICENSE-DejaVu.txt").read_text().count("Bitstream") > 0
