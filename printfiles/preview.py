"""preview.jpg and overlay.jpg of a whole item, composed from the renders' own soft proofs.

Each page is shown as its BleedBox (what the press prints, without marks or slug). Pages are
stacked top to bottom in one JPEG, 8 px apart on grey, long edge `long_edge`. A single-page,
single-slot item whose raster covers the whole BleedBox uses the render's preview as it is
(same pixels). The customer's text is drawn line by line where the PDF sets it (libvips/Pango
with the same font file, so glyphs match; positions to about a pixel), in its printed colour
(its CMYK through the output profile to sRGB).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import pyvips

from printfiles.colour import proof_rgb
from printfiles.layout import PT_PER_MM, Box, PageFrame
from printfiles.text import TextBlock
from profiles import fonts
from profiles.icc import OutputProfile

GAP_PX = 8
TRIM_COLOUR = [255, 0, 0]
SAFE_COLOUR = [0, 160, 255]
FOLD_COLOUR = [255, 0, 255]
TEXT_COLOUR = [0, 170, 0]


@dataclass(frozen=True)
class PreviewPiece:
    """A slot's sRGB preview and where its raster sits (PDF mm)."""

    preview: Path
    box: Box


@dataclass(frozen=True)
class PreviewGeometry:
    """Where each page's BleedBox lies in the composed preview: (x, y, px per mm)."""

    origins: list[tuple[int, int]]
    scale: float  # preview px per mm
    size: tuple[int, int]

    def trim_px(self, frame: PageFrame) -> tuple[float, float, float, float]:
        """The frame's TrimBox in preview pixels (x, y from the top-left, w, h)."""
        ox, oy = self.origins[frame.index]
        s = self.scale
        return (
            round(ox + (frame.trim.x_mm - frame.bleed.x_mm) * s, 2),
            round(oy + (frame.bleed.top_mm - frame.trim.top_mm) * s, 2),
            round(frame.trim.width_mm * s, 2),
            round(frame.trim.height_mm * s, 2),
        )


def _geometry(frames: list[PageFrame], long_edge: int) -> PreviewGeometry:
    width_mm = max(f.bleed.width_mm for f in frames)
    height_mm = sum(f.bleed.height_mm for f in frames)
    gaps = GAP_PX * (len(frames) - 1)
    scale = (long_edge - (gaps if height_mm >= width_mm else 0)) / max(width_mm, height_mm)
    origins, y = [], 0
    for f in frames:
        origins.append((0, y))
        y += round(f.bleed.height_mm * scale) + GAP_PX
    return PreviewGeometry(origins=origins, scale=scale, size=(round(width_mm * scale), y - GAP_PX))


@cache
def _baseline(font_file: str, description: str, dpi: int) -> int:
    """Pixels from the top of Pango's line box to the baseline: the ink bottom of an 'H'."""
    probe = pyvips.Image.text("H", fontfile=font_file, font=description, dpi=dpi)
    return probe.get("yoffset") + probe.height


def _draw_text(
    page: pyvips.Image, frame: PageFrame, block: TextBlock, scale: float, profile: OutputProfile
) -> pyvips.Image:
    """Draw the block's lines on the page image (BleedBox at `scale` px per mm)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font_file = str(fonts.FONT_DIR / fonts.FONT_FILES[block.font])
    family = fonts.font(block.font).face.familyName
    family = family.decode() if isinstance(family, bytes) else family
    dpi = scale * 25.4
    colour = list(proof_rgb(block.cmyk, profile))
    left_mm, top_mm = frame.to_pdf(block.area.x_mm, block.area.y_mm)
    width_pt = block.area.width_mm * PT_PER_MM
    for i, line in enumerate(block.lines):
        if not line:
            continue
        w = stringWidth(line, block.font, block.size_pt)
        offset_pt = {"left": 0.0, "center": (width_pt - w) / 2, "right": width_pt - w}[block.align.value]
        baseline_mm = top_mm - (block.ascent_pt + i * block.leading_pt) / PT_PER_MM
        description = f"{family} {block.size_pt}"
        # no kerning or ligatures: reportlab sets plain advance widths, so must the preview
        markup = f'<span font_features="kern 0, liga 0, clig 0">{escape(line)}</span>'
        mask = pyvips.Image.text(markup, fontfile=font_file, font=description, dpi=round(dpi))
        x = round((left_mm + offset_pt / PT_PER_MM - frame.bleed.x_mm) * scale) + mask.get("xoffset")
        y = (
            round((frame.bleed.top_mm - baseline_mm) * scale)
            - _baseline(font_file, description, round(dpi))
            + mask.get("yoffset")
        )
        ink = (mask.new_from_image(colour).copy(interpretation="srgb")).bandjoin(mask)
        page = page.composite2(ink.cast("uchar"), "over", x=x, y=y)[0:3]
    return page


def compose_preview(
    frames: list[PageFrame],
    pieces: list[list[PreviewPiece]],
    out: Path,
    long_edge: int = 1200,
    texts: dict[int, list[TextBlock]] | None = None,
    profile: OutputProfile | None = None,
) -> PreviewGeometry:
    """Write the item preview; returns where each page landed (for the overlay and tests)."""
    texts = texts or {}
    single = len(frames) == 1 and len(pieces[0]) == 1 and not texts.get(frames[0].index)
    if single and _covers(pieces[0][0].box, frames[0].bleed):
        shutil.copyfile(pieces[0][0].preview, out)
        image = pyvips.Image.new_from_file(str(out))
        return PreviewGeometry(
            origins=[(0, 0)], scale=image.width / frames[0].bleed.width_mm, size=(image.width, image.height)
        )
    geo = _geometry(frames, long_edge)
    canvas = pyvips.Image.black(*geo.size, bands=3) + [200, 200, 200]
    for frame, (ox, oy), page_pieces in zip(frames, geo.origins, pieces, strict=True):
        page_w, page_h = round(frame.bleed.width_mm * geo.scale), round(frame.bleed.height_mm * geo.scale)
        page = pyvips.Image.black(page_w, page_h, bands=3) + [255, 255, 255]
        for piece in page_pieces:
            image = pyvips.Image.new_from_file(str(piece.preview)).colourspace("srgb")
            if image.hasalpha():
                image = image.flatten(background=[255, 255, 255])
            w = max(1, round(piece.box.width_mm * geo.scale))
            h = max(1, round(piece.box.height_mm * geo.scale))
            image = image.resize(w / image.width, vscale=h / image.height, kernel="lanczos3")
            x = round((piece.box.x_mm - frame.bleed.x_mm) * geo.scale)
            y = round((frame.bleed.top_mm - piece.box.top_mm) * geo.scale)
            page = page.insert(image[0:3], x, y)
        for block in texts.get(frame.index, []):
            page = _draw_text(page, frame, block, geo.scale, profile)
        canvas = canvas.insert(page.cast("uchar"), ox, oy)
    canvas.cast("uchar").copy(interpretation="srgb").jpegsave(str(out), Q=90, strip=True)
    return geo


def _covers(box: Box, bleed: Box, tol: float = 0.01) -> bool:
    return (
        abs(box.x_mm - bleed.x_mm) <= tol
        and abs(box.y_mm - bleed.y_mm) <= tol
        and abs(box.width_mm - bleed.width_mm) <= tol
        and abs(box.height_mm - bleed.height_mm) <= tol
    )


def _rect(image: pyvips.Image, colour: list[int], x: float, y: float, w: float, h: float) -> pyvips.Image:
    x0, y0, x1, y1 = round(x), round(y), round(x + w), round(y + h)
    for line in (
        (x0, y0, x1 - x0, 1),
        (x0, y1 - 1, x1 - x0, 1),
        (x0, y0, 1, y1 - y0),
        (x1 - 1, y0, 1, y1 - y0),
    ):
        image = image.draw_rect(colour, *line, fill=True)
    return image


def compose_overlay(
    frames: list[PageFrame], geo: PreviewGeometry, preview: Path, out: Path, safe_mm: float
) -> Path:
    """The preview with trim (red), safe zone (blue), folds (magenta) and text areas (green).

    Not `render.measure._overlay` (one slot's raster in pixels, trim and safe zone only, two pixels
    wide): this one draws every page of the item from its frames in mm, where a slot knows nothing of
    folds, text areas or other pages, and it replaces the slot's own (build_item asks for none)."""
    image = pyvips.Image.new_from_file(str(preview)).copy_memory()
    for frame, (ox, oy) in zip(frames, geo.origins, strict=True):
        s = geo.scale
        tx = ox + (frame.trim.x_mm - frame.bleed.x_mm) * s
        ty = oy + (frame.bleed.top_mm - frame.trim.top_mm) * s
        image = _rect(image, TRIM_COLOUR, tx, ty, frame.trim.width_mm * s, frame.trim.height_mm * s)
        panels = [(0.0, frame.trim.width_mm)]
        if frame.page.fold_x_mm:
            fold = frame.page.fold_x_mm
            panels = [(0.0, fold), (fold, frame.trim.width_mm - fold)]
            image = image.draw_rect(
                FOLD_COLOUR, round(tx + fold * s), round(ty), 1, round(frame.trim.height_mm * s), fill=True
            )
        for px, pw in panels:
            if pw > 2 * safe_mm and frame.trim.height_mm > 2 * safe_mm:
                image = _rect(
                    image,
                    SAFE_COLOUR,
                    tx + (px + safe_mm) * s,
                    ty + safe_mm * s,
                    (pw - 2 * safe_mm) * s,
                    (frame.trim.height_mm - 2 * safe_mm) * s,
                )
        for area in frame.page.text_areas:
            image = _rect(
                image,
                TEXT_COLOUR,
                tx + area.x_mm * s,
                ty + area.y_mm * s,
                area.width_mm * s,
                area.height_mm * s,
            )
    image.jpegsave(str(out), Q=90, strip=True)
    return out
