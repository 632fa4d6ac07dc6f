"""The sheets' PDF: card pages placed as Form XObjects of the originals (image bytes unchanged),
PDF/X-4 with the cards' output intent, backs registered behind fronts in the file's own matrices,
and qpdf, Ghostscript and poppler read it cleanly."""

from __future__ import annotations

import subprocess
from collections import Counter

import pikepdf
import pytest

from tests.printfiles.impose.helpers import card_job
from tests.printfiles.impose.helpers import mm as _mm
from tests.printfiles.impose_cards import apply_mm, images, placements


@pytest.fixture(scope="module")
def job(catalogue, tmp_path_factory):
    return card_job(catalogue, tmp_path_factory.mktemp("impose-writer"))


def test_image_bytes_are_the_cards_bytes(job):
    result, folded, flat = job
    with pikepdf.open(folded) as a, pikepdf.open(flat) as b, pikepdf.open(result.path) as sheets:
        wanted = set(images(a)) | set(images(b))
        found = [o.read_raw_bytes() for o in sheets.objects
                 if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        filters = {str(o.get("/Filter")) for o in sheets.objects
                   if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"}
    assert len(wanted) == 3  # folded: front + inside-left; flat: front
    assert set(found) == wanted
    assert max(Counter(found).values()) == 1  # each image once, however many copies are placed
    assert filters == {"/DCTDecode"}


def test_forms_are_the_card_pages_clipped_to_their_bleed(job):
    result, folded, _ = job
    with pikepdf.open(folded) as card, pikepdf.open(result.path) as pdf:
        bleed = _mm(card.pages[0].obj.BleedBox)
        card_images = set(images(card))
        for use in placements(pdf.pages[0]):
            assert use.form.Subtype == "/Form"
            assert _mm(use.form.BBox) == pytest.approx(bleed, abs=1e-3)
            inner = {x.read_raw_bytes() for x in use.form.Resources.XObject.values()
                     if x.get("/Subtype") == "/Image"}
            assert inner and inner <= card_images


def test_pdfx4_with_the_cards_output_intent(job):
    result, folded, _ = job
    with pikepdf.open(folded) as card, pikepdf.open(result.path) as pdf:
        mine, theirs = pdf.Root.OutputIntents[0], card.Root.OutputIntents[0]
        for key in ("/S", "/OutputConditionIdentifier", "/OutputCondition", "/RegistryName"):
            assert str(mine[key]) == str(theirs[key])
        assert mine.DestOutputProfile.read_bytes() == theirs.DestOutputProfile.read_bytes()
        assert str(pdf.trailer.Info.GTS_PDFXVersion) == "PDF/X-4"
        assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in pdf.Root.Metadata.read_bytes()
        assert str(pdf.trailer.Info.CreationDate) == "D:20261124120000+00'00'"


def test_backs_register_behind_fronts_to_a_hundredth_of_a_mm(job, catalogue):
    """From the `cm` matrices in the file: the inside-left photo's corners, turned with the sheet over
    its long edge (x -> 320 - x), land on the front photo's corners, and the trim corners likewise."""
    result, folded, _ = job
    product = catalogue.get("card-a6-folded")
    with pikepdf.open(folded) as card, pikepdf.open(result.path) as pdf:
        t0, t1 = _mm(card.pages[0].obj.TrimBox), _mm(card.pages[1].obj.TrimBox)
        for front_page, back_page in ((0, 1), (2, 3)):
            fronts, backs = placements(pdf.pages[front_page]), placements(pdf.pages[back_page])
            assert len(fronts) == len(backs) > 0
            for front, back in zip(fronts, backs, strict=True):
                width = product.pages[0].fold_x_mm
                # back page: inside-left panel [t1.x0, t1.x0 + 105]; front page: front panel [fold, x1]
                for (bx, by), (fx, fy) in [
                    ((t1[0], t1[1]), (t0[2], t0[1])), ((t1[0] + width, t1[1]), (t0[0] + width, t0[1])),
                    ((t1[0], t1[3]), (t0[2], t0[3])), ((t1[2], t1[3]), (t0[0], t0[3])),
                ]:
                    x, y = apply_mm(back.matrix, bx, by)
                    assert (320 - x, y) == pytest.approx(apply_mm(front.matrix, fx, fy), abs=0.01)


@pytest.mark.tools
def test_qpdf_ghostscript_and_poppler_read_the_sheets(job, tool, tmp_path):
    result, _, _ = job
    path = str(result.path)
    check = subprocess.run([tool("qpdf"), "--check", path], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout
    gs = subprocess.run([tool("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=nullpage", path],
                        capture_output=True, text=True)
    assert gs.returncode == 0 and not gs.stderr.strip() and "rror" not in gs.stdout, gs.stdout + gs.stderr
    info = subprocess.run([tool("pdfinfo"), path], capture_output=True, text=True, check=True)
    assert "Pages:           8" in info.stdout and "PDF/X-4" in info.stdout and not info.stderr.strip()
    ppm = subprocess.run([tool("pdftoppm"), "-r", "20", "-f", "5", "-l", "5", "-gray", path,
                          str(tmp_path / "p")], capture_output=True, text=True)
    assert ppm.returncode == 0 and not ppm.stderr.strip(), ppm.stderr
    [image] = list(tmp_path.glob("p*.pgm"))
    raw = image.read_bytes()
    header_end = raw.index(b"255\n") + 4
    pixels = raw[header_end:]
    assert min(pixels) < 200 < max(pixels)  # photos and white paper both there
