"""The customer's text: check it against the product's text area, wrap it, and lay it out.

Text is never clipped or shrunk silently: a font the area does not offer, a size outside its
range, a character the font lacks, a word wider than the area, or more lines than fit is a
`TextLayoutError` (a RenderError) naming the area and saying what to change.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from printfiles.colour import hex_to_cmyk
from printfiles.layout import PT_PER_MM
from profiles import fonts
from profiles.catalogue import Intent, TextArea
from profiles.icc import OutputProfile
from render.errors import RenderError
from vocab.spec import Align, TextField

LEADING = 1.25  # line distance as a multiple of the font size


class TextLayoutError(RenderError):
    """The customer's text does not fit or cannot be set in its area."""


@dataclass(frozen=True)
class TextBlock:
    """Text set for one area: lines, font and metrics, all in points relative to the area."""

    area: TextArea
    font: str
    size_pt: float
    leading_pt: float
    ascent_pt: float
    lines: tuple[str, ...]
    align: Align
    cmyk: tuple[float, float, float, float]
    colour: str

    @property
    def height_pt(self) -> float:
        return self.ascent_pt + (len(self.lines) - 1) * self.leading_pt + self._descent_pt

    @property
    def _descent_pt(self) -> float:
        return -fonts.font(self.font).face.descent / 1000 * self.size_pt


def _wrap(text: str, font_id: str, size: float, width_pt: float, area_id: str) -> list[str]:
    """Greedy word wrap by real glyph widths; explicit line breaks are kept."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        words = paragraph.split()
        current = ""
        for word in words:
            if stringWidth(word, font_id, size) > width_pt:
                raise TextLayoutError(
                    f"text area {area_id!r}: the word {word!r} is wider than the area at {size:g} pt; "
                    "use a smaller size or break the word"
                )
            trial = f"{current} {word}" if current else word
            if stringWidth(trial, font_id, size) <= width_pt:
                current = trial
            else:
                lines.append(current)
                current = word
        lines.append(current)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def layout_text(field: TextField, area: TextArea, profile: OutputProfile, intent: Intent) -> TextBlock:
    """Set the field's text in its area or raise TextLayoutError naming the area."""
    font_id = field.font or area.fonts[0]
    if font_id not in area.fonts:
        raise TextLayoutError(
            f"text area {area.id!r}: font {font_id!r} is not offered here; choose one of {area.fonts}"
        )
    if font_id not in fonts.FONT_FILES:
        raise TextLayoutError(
            f"text area {area.id!r}: font {font_id!r} is not installed; known: {sorted(fonts.FONT_FILES)}"
        )
    size = field.size_pt or area.size_pt
    if not area.min_size_pt <= size <= area.max_size_pt:
        raise TextLayoutError(
            f"text area {area.id!r}: size {size:g} pt is outside "
            f"{area.min_size_pt:g}..{area.max_size_pt:g} pt"
        )
    missing = fonts.covers(font_id, field.text)
    if missing:
        raise TextLayoutError(
            f"text area {area.id!r}: font {font_id!r} has no glyph for {''.join(missing)!r}; "
            "remove those characters or choose another font"
        )
    width_pt = area.width_mm * PT_PER_MM
    height_pt = area.height_mm * PT_PER_MM
    lines = _wrap(field.text, font_id, size, width_pt, area.id)
    if len(lines) > area.max_lines:
        raise TextLayoutError(
            f"text area {area.id!r}: the text needs {len(lines)} lines at {size:g} pt, "
            f"the area holds at most {area.max_lines}; shorten the text or choose a smaller size"
        )
    face = fonts.font(font_id).face
    block = TextBlock(
        area=area,
        font=font_id,
        size_pt=size,
        leading_pt=size * LEADING,
        ascent_pt=face.ascent / 1000 * size,
        lines=tuple(lines),
        align=field.align or Align(area.align),
        cmyk=hex_to_cmyk(field.colour, profile, intent),
        colour=field.colour,
    )
    if lines and block.height_pt > height_pt + 1e-6:
        raise TextLayoutError(
            f"text area {area.id!r}: {len(lines)} lines at {size:g} pt need "
            f"{block.height_pt / PT_PER_MM:.1f} mm, the area is {area.height_mm:g} mm high; "
            "shorten the text or choose a smaller size"
        )
    return block


def draw_text(canvas: Canvas, block: TextBlock, left_pt: float, top_pt: float) -> None:
    """Draw the block as real text with its top-left corner at (left_pt, top_pt) on the canvas."""
    from reportlab.lib.colors import CMYKColor
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width_pt = block.area.width_mm * PT_PER_MM
    canvas.setFillColor(CMYKColor(*block.cmyk))
    baseline = top_pt - block.ascent_pt
    for line in block.lines:
        if line:
            w = stringWidth(line, block.font, block.size_pt)
            x = {
                Align.left: left_pt,
                Align.center: left_pt + (width_pt - w) / 2,
                Align.right: left_pt + width_pt - w,
            }[block.align]
            text = canvas.beginText(x, baseline)
            text.setFont(block.font, block.size_pt)
            text.textOut(line)
            canvas.drawText(text)
        baseline -= block.leading_pt
