"""Write a plan as a PDF/X-4 file of press sheets.

Each card page becomes one Form XObject, copied from the card file with its resources (the image
streams keep their bytes: qpdf copies filtered streams as they are, and the file is saved without
decoding or re-encoding them) and clipped by its BBox to the page's BleedBox, so the card's own
marks and slug stay off the sheet. Every copy of a card on the sheets is the same XObject, placed
by a `cm` with the plan's matrix. reportlab draws the marks and slugs; pdfx.py adds the PDF/X-4
structure with the cards' own output intent (their ICC bytes, names and registry).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pikepdf
from reportlab.pdfgen.canvas import Canvas

from printfiles.compose import _strip_reportlab_preamble
from printfiles.impose.cards import OutputIntent
from printfiles.impose.geometry import Affine, Rect
from printfiles.impose.marks import draw_marks, draw_sheet_slug, sheet_marks
from printfiles.impose.plan import Plan, SheetSide
from printfiles.layout import PT_PER_MM
from printfiles.pdfx import DocInfo, apply_pdfx4, save_pdfx
from profiles.icc import OutputProfile

SlugText = Callable[[SheetSide], tuple[str, str]]  # side -> (sheet id, text line)


def _pt_array(rect: Rect) -> pikepdf.Array:
    q = Decimal("0.0001")
    return pikepdf.Array([Decimal(repr(v * PT_PER_MM)).quantize(q)
                          for v in (rect.x0, rect.y0, rect.x1, rect.y1)])


def _cm(matrix: Affine) -> str:
    """The `cm` operands of a mm -> mm map for pt coordinates, 6 decimals (well under 0.001 mm)."""
    m = matrix.scaled_translation(PT_PER_MM)
    return " ".join(f"{v + 0.0:.6f}" for v in (m.a, m.b, m.c, m.d, m.e, m.f))


def draw_sheets(plan: Plan, slug_text: SlugText) -> bytes:
    """The sheets' vector parts (marks, slugs) as a PDF of their own, one page per side."""
    sheet = plan.sheet
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(sheet.width * PT_PER_MM, sheet.height * PT_PER_MM), invariant=1,
                    pageCompression=1)
    for side in plan.sides:
        draw_marks(canvas, sheet_marks(side.placed, sheet), sheet.mark_weight_pt)
        if sheet.slug_rect is not None:
            draw_sheet_slug(canvas, sheet.slug_rect, *slug_text(side))
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _form(out: pikepdf.Pdf, source: pikepdf.Pdf, page_index: int, bleed: Rect) -> pikepdf.Object:
    """The card page as a Form XObject in `out`, clipped to its BleedBox."""
    form = source.pages[page_index].as_form_xobject()
    copied = out.copy_foreign(form)
    copied.BBox = _pt_array(bleed)
    return copied


def _profile_of(intent: OutputIntent, scratch: Path) -> OutputProfile:
    """The cards' output intent as an OutputProfile for apply_pdfx4: the same ICC bytes and names."""
    path = scratch / "output-intent.icc"
    path.write_bytes(intent.icc)
    return OutputProfile(id=intent.condition_identifier, path=path,
                         condition_identifier=intent.condition_identifier, condition=intent.condition,
                         registry=intent.registry, total_ink_limit=0.0)


def write_sheets(plan: Plan, slug_text: SlugText, info: DocInfo, out_path: Path, scratch: Path) -> Path:
    """Write the plan to out_path (PDF/X-4, one page per sheet side, in the plan's order)."""
    scratch.mkdir(parents=True, exist_ok=True)
    sheet_box = _pt_array(plan.sheet.media)
    sources = [pikepdf.open(card.path) for card in plan.cards]
    try:
        with pikepdf.open(io.BytesIO(draw_sheets(plan, slug_text))) as pdf:
            forms: dict[tuple[int, int], pikepdf.Object] = {}
            for side, page in zip(plan.sides, pdf.pages, strict=True):
                _strip_reportlab_preamble(pdf, page)
                page.obj.MediaBox = sheet_box
                page.obj.BleedBox = sheet_box
                page.obj.TrimBox = sheet_box
                if "/XObject" not in page.obj.Resources:
                    page.obj.Resources.XObject = pikepdf.Dictionary()
                ops = []
                for placed in side.placed:
                    key = (placed.card, placed.page)
                    if key not in forms:
                        bleed = plan.cards[placed.card].pages[placed.page].bleed
                        forms[key] = _form(pdf, sources[placed.card], placed.page, bleed)
                    name = f"/Card{placed.card}p{placed.page}"
                    page.obj.Resources.XObject[name] = forms[key]
                    ops.append(f"q {_cm(placed.matrix)} cm {name} Do Q")
                if ops:
                    page.contents_add(pdf.make_stream(("\n".join(ops) + "\n").encode("ascii")), prepend=True)
                    page.contents_coalesce()
            apply_pdfx4(pdf, _profile_of(plan.cards[0].intent, scratch), info)
            save_pdfx(pdf, out_path)
    finally:
        for source in sources:
            source.close()
    return out_path
