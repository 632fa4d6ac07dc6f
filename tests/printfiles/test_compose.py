"""`printfiles.compose`: the print file assembled — reportlab draws the vectors (text, crop marks, slug)
on pages of the MediaBox's size, pikepdf sets the page boxes, puts each raster under the vectors where
its box says, drops reportlab's unused Helvetica, adds the PDF/X-4 structure, and the rasters are spliced
in byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime

import pikepdf
import pytest

from printfiles.compose import PagePlan, Placement, draw_vectors, write_printfile
from printfiles.layout import PT_PER_MM, page_frames
from printfiles.marks import SlugInfo
from printfiles.pdfx import DocInfo, ids_for
from printfiles.text import layout_text
from profiles.catalogue import Intent
from profiles.icc import output_profile
from profiles.printers import Printer
from tests.printfiles.test_embed import cmyk_jpeg
from vocab.spec import TextField

NO_SLUG = Printer(id="bare", name="no marks, no slug")
MARKS = Printer(id="marks", name="marks and slug", crop_marks=True, slug=True)
FOGRA47 = output_profile("FOGRA47")
INFO = DocInfo(title="kartenliebe KL-1 item 1", producer="Printline", creator="Printline test",
               created_at=datetime(2026, 2, 3, 4, 5, tzinfo=UTC), document_id=ids_for("job_1", 1)[0],
               instance_id=ids_for("job_1", 1)[1], version=1)


def _mm(array) -> list[float]:
    return [float(v) / PT_PER_MM for v in array]


def _plans(catalogue, tmp_path, printer: Printer) -> list[PagePlan]:
    product = catalogue.get("card-a6-flat")
    front, back = page_frames(product, None, printer)
    area = back.page.text_areas[0]
    block = layout_text(TextField(area=area.id, text="Alles Gute"), area, FOGRA47, Intent.relative)
    slug = SlugInfo(brand="kartenliebe", order_ref="KL-1", item_ref="1", product=product.id, version=1,
                    job_id="job_1", page_name="front")
    raster = cmyk_jpeg(tmp_path / "front.jpg", 111, 154)
    return [PagePlan(front, [Placement(raster, front.bleed)], slug=slug), PagePlan(back, texts=[block], slug=slug)]


def test_vectors_are_drawn_on_pages_of_the_media_size(catalogue, tmp_path):
    plans = _plans(catalogue, tmp_path, MARKS)
    path = draw_vectors(plans, MARKS, tmp_path / "vectors.pdf")
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 2
        for page, plan in zip(pdf.pages, plans):
            assert _mm(page.MediaBox)[2:] == pytest.approx([plan.frame.media.width_mm, plan.frame.media.height_mm],
                                                           abs=0.01)
        marks_ops = [str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[0])]
        assert "l" in marks_ops and "S" in marks_ops  # crop marks are stroked lines
    bare = draw_vectors(_plans(catalogue, tmp_path, NO_SLUG), NO_SLUG, tmp_path / "bare.pdf")
    with pikepdf.open(bare) as pdf:
        assert "S" not in [str(op) for _, op in pikepdf.parse_content_stream(pdf.pages[0])]


def test_the_print_file_has_its_boxes_rasters_text_and_pdfx_structure(catalogue, tmp_path):
    plans = _plans(catalogue, tmp_path, MARKS)
    out = write_printfile(plans, MARKS, FOGRA47, INFO, tmp_path / "card.pdf", tmp_path / "scratch")
    raster = plans[0].placements[0].raster
    with pikepdf.open(out) as pdf:
        assert pdf.check_pdf_syntax() == []
        for page, plan in zip(pdf.pages, plans):
            frame = plan.frame
            for key, box in (("/MediaBox", frame.media), ("/BleedBox", frame.bleed), ("/TrimBox", frame.trim)):
                assert _mm(page.obj[key]) == pytest.approx([box.x_mm, box.y_mm, box.right_mm, box.top_mm], abs=0.01)
            assert "/CropBox" not in page.obj
            fonts = page.obj.Resources.get("/Font", {})
            assert "/F1" not in fonts  # reportlab's unused Helvetica is gone
        [(name, image)] = list(pdf.pages[0].Resources.XObject.items())
        assert image.read_raw_bytes() == raster.path.read_bytes()
        ops = [(str(op), operands) for operands, op in pikepdf.parse_content_stream(pdf.pages[0])]
        assert [op for op, _ in ops[:4]] == ["q", "cm", "Do", "Q"]  # the raster first: under marks and slug
        assert [str(v) for v in ops[2][1]] == [name]
        a, _, _, d, e, f = (float(v) for v in ops[1][1])
        bleed = plans[0].frame.bleed
        assert [e / PT_PER_MM, f / PT_PER_MM, a / PT_PER_MM, d / PT_PER_MM] == pytest.approx(
            [bleed.x_mm, bleed.y_mm, bleed.width_mm, bleed.height_mm], abs=0.01)
        assert "/XObject" not in pdf.pages[1].Resources or not list(pdf.pages[1].Resources.XObject.keys())
        shown = [op for _, op in pikepdf.parse_content_stream(pdf.pages[1]) if str(op) in ("Tj", "TJ")]
        assert shown  # the text is real text
        assert str(pdf.Root.OutputIntents[0].OutputConditionIdentifier) == FOGRA47.condition_identifier
        assert str(pdf.trailer.Info.Title) == INFO.title
    assert not list(tmp_path.glob("card.pdf.part"))


def test_vectors_drawn_beforehand_give_the_same_file(catalogue, tmp_path):
    plans = _plans(catalogue, tmp_path, NO_SLUG)
    once = write_printfile(plans, NO_SLUG, FOGRA47, INFO, tmp_path / "a.pdf", tmp_path / "s1")
    vectors = draw_vectors(plans, NO_SLUG, tmp_path / "v.pdf")
    twice = write_printfile(plans, NO_SLUG, FOGRA47, INFO, tmp_path / "b.pdf", tmp_path / "s2", vectors=vectors)
    assert once.read_bytes() == twice.read_bytes()
