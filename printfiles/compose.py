"""Assemble the print file: vector parts drawn by reportlab, rasters copied in by pikepdf.

reportlab (invariant mode) draws what is vector: the customer's text in embedded subset fonts,
crop marks and slug. pikepdf then sets the page boxes, puts an image XObject for each rendered
raster under the vectors, adds the PDF/X-4 structure and saves a draft with a content-derived
/ID; embed.splice_rasters copies the raster files' bytes into the final file (see embed.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from reportlab.pdfgen.canvas import Canvas

from printfiles.embed import RasterFile, placeholder_image, splice_rasters
from printfiles.layout import PT_PER_MM, Box, PageFrame
from printfiles.marks import SlugInfo, draw_crop_marks, draw_sandbox_stamp, draw_slug
from printfiles.pdfx import DocInfo, apply_pdfx4, save_pdfx
from printfiles.text import TextBlock, draw_text
from profiles.icc import OutputProfile
from profiles.printers import Printer


@dataclass(frozen=True)
class Placement:
    """A raster and the rectangle (PDF mm) it fills on the page, bleed included."""

    raster: RasterFile
    box: Box


@dataclass(frozen=True)
class PagePlan:
    """Everything on one page."""

    frame: PageFrame
    placements: list[Placement] = field(default_factory=list)
    texts: list[TextBlock] = field(default_factory=list)
    slug: SlugInfo | None = None


def draw_vectors(plans: list[PagePlan], printer: Printer, path: Path) -> Path:
    """The pages' vector parts (text, crop marks, slug) as a PDF of their own: what reportlab
    draws needs no raster, so build_item draws it while the rasters render."""
    canvas = Canvas(str(path), pagesize=(1, 1), invariant=1, pageCompression=1)
    for plan in plans:
        frame = plan.frame
        canvas.setPageSize((frame.media.width_mm * PT_PER_MM, frame.media.height_mm * PT_PER_MM))
        for block in plan.texts:
            left, top = frame.to_pdf(block.area.x_mm, block.area.y_mm)
            draw_text(canvas, block, left * PT_PER_MM, top * PT_PER_MM)
        if printer.crop_marks:
            draw_crop_marks(canvas, frame, printer)
        if printer.slug and plan.slug is not None:
            draw_slug(canvas, frame, printer, plan.slug)
        if plan.slug is not None and plan.slug.sandbox:
            draw_sandbox_stamp(canvas, frame)
        canvas.showPage()
    canvas.save()
    return path


_PREAMBLE = b"BT /F1 12 Tf 14.4 TL ET"


def _strip_reportlab_preamble(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    """reportlab opens every page with `BT /F1 12 Tf ... ET` naming an unembedded Helvetica that is
    never shown; PDF/X forbids unembedded fonts, so drop the no-op and the unused resource."""
    data = (
        page.obj.Contents.read_bytes()
        if isinstance(page.obj.Contents, pikepdf.Stream)
        else b"".join(s.read_bytes() for s in page.obj.Contents)
    )
    if _PREAMBLE in data:
        data = data.replace(_PREAMBLE, b"", 1)
        page.obj.Contents = pdf.make_stream(data)
    fonts = page.obj.Resources.get("/Font")
    if fonts is not None and "/F1" in fonts and b"/F1 " not in data:
        del fonts["/F1"]
        if len(fonts) == 0:
            del page.obj.Resources["/Font"]


def _set_boxes(page: pikepdf.Page, frame: PageFrame) -> None:
    page.obj.MediaBox = pikepdf.Array(frame.media.pdf_array())
    page.obj.BleedBox = pikepdf.Array(frame.bleed.pdf_array())
    page.obj.TrimBox = pikepdf.Array(frame.trim.pdf_array())
    if "/CropBox" in page.obj:
        del page.obj["/CropBox"]


def write_printfile(
    plans: list[PagePlan],
    printer: Printer,
    profile: OutputProfile,
    info: DocInfo,
    out_path: Path,
    scratch: Path,
    *,
    vectors: Path | None = None,
) -> Path:
    """Write the PDF/X-4 print file to out_path; scratch holds intermediate files. `vectors` is
    what draw_vectors made of the same plans beforehand (drawn here when not given)."""
    scratch.mkdir(parents=True, exist_ok=True)
    if vectors is None:
        vectors = draw_vectors(plans, printer, scratch / "vectors.pdf")
    rasters: dict[bytes, Path] = {}
    draft = scratch / "draft.pdf"
    with pikepdf.open(vectors) as pdf:
        for plan, page in zip(plans, pdf.pages, strict=True):
            _strip_reportlab_preamble(pdf, page)
            _set_boxes(page, plan.frame)
            ops = []
            for n, placement in enumerate(plan.placements):
                image, marker = placeholder_image(pdf, placement.raster, len(rasters))
                rasters[marker] = placement.raster.path
                name = pikepdf.Name(f"/PlImg{n}")
                if "/XObject" not in page.obj.Resources:
                    page.obj.Resources.XObject = pikepdf.Dictionary()
                page.obj.Resources.XObject[name] = image
                llx, lly, urx, ury = placement.box.pdf_array()
                ops.append(f"q {urx - llx} 0 0 {ury - lly} {llx} {lly} cm {name} Do Q")
            if ops:
                page.contents_add(pdf.make_stream(("\n".join(ops) + "\n").encode("ascii")), prepend=True)
                page.contents_coalesce()
        apply_pdfx4(pdf, profile, info)
        save_pdfx(pdf, draft)
    return splice_rasters(draft, out_path, rasters)
