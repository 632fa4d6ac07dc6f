"""Reading card print files: boxes, sides, output intent, and the product (for its folds)."""

from __future__ import annotations

import pikepdf
import pytest

from printfiles.impose import ImposeError
from printfiles.impose.cards import read_card
from tests.printfiles.impose_cards import CARD_PRODUCTS, card_file


@pytest.mark.parametrize("product_id", CARD_PRODUCTS)
def test_reads_what_build_item_wrote(catalogue, tmp_path_factory, product_id):
    path = card_file(catalogue, product_id, tmp_path_factory.mktemp("cards"))
    card = read_card(path, catalogue=catalogue)
    product = catalogue.get(product_id)
    assert card.product_id == product_id and card.duplex and card.label == path.name
    for page, spec in zip(card.pages, product.layout(), strict=True):
        assert (page.trim.width, page.trim.height) == pytest.approx((spec.width_mm, spec.height_mm), abs=0.01)
        assert page.trim.x0 - page.bleed.x0 == pytest.approx(product.bleed_mm, abs=0.01)
        assert page.fold_x == spec.fold_x_mm
    assert card.intent.condition_identifier == "FOGRA47"
    assert card.intent.icc == product.profile.data()


def test_product_by_size_when_the_title_says_nothing_and_a_wrong_product_is_refused(catalogue, tmp_path):
    path = card_file(catalogue, "card-square-folded", tmp_path)
    untitled = tmp_path / "untitled.pdf"
    with pikepdf.open(path) as pdf:
        del pdf.docinfo["/Title"]
        pdf.save(untitled)
    assert read_card(untitled, catalogue=catalogue).product_id == "card-square-folded"
    assert read_card(untitled).product_id is None and read_card(untitled).pages[0].fold_x is None
    with pytest.raises(ImposeError, match="not the size of product 'card-a6-folded'"):
        read_card(untitled, product=catalogue.get("card-a6-folded"))


def test_files_that_are_not_card_print_files_are_clear_errors(tmp_path):
    plain = tmp_path / "plain.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(300, 400))
    pdf.pages[0].obj.TrimBox = pikepdf.Array([0, 0, 300, 400])
    pdf.save(plain)
    with pytest.raises(ImposeError, match=r"plain\.pdf: no PDF/X output intent"):
        read_card(plain)
    for _ in range(2):
        pdf.add_blank_page(page_size=(300, 400))
    pdf.save(tmp_path / "three.pdf")
    with pytest.raises(ImposeError, match=r"three\.pdf: 3 pages"):
        read_card(tmp_path / "three.pdf")
    (tmp_path / "junk.pdf").write_bytes(b"not a pdf")
    with pytest.raises(ImposeError, match=r"junk\.pdf: cannot read"):
        read_card(tmp_path / "junk.pdf")
