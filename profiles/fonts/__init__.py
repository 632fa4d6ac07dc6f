"""The fonts a customer may choose, by catalogue id, registered with reportlab on first use.

Every font here ships in this folder under a free licence (see README.md); the catalogue's
text areas name these ids.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).parent
FONT_FILES: dict[str, str] = {
    "dejavu-sans": "DejaVuSans.ttf",
    "dejavu-serif": "DejaVuSerif.ttf",
}


@cache
def font(font_id: str) -> TTFont:
    """The registered reportlab TTFont of that id (its reportlab name is the id); KeyError if unknown."""
    try:
        filename = FONT_FILES[font_id]
    except KeyError:
        raise KeyError(f"unknown font {font_id!r}; known: {sorted(FONT_FILES)}") from None
    ttf = TTFont(font_id, str(FONT_DIR / filename))
    pdfmetrics.registerFont(ttf)
    return ttf


def covers(font_id: str, text: str) -> list[str]:
    """The characters of `text` (other than line breaks) that the font has no glyph for."""
    cmap = font(font_id).face.charToGlyph
    return sorted({ch for ch in text if ch not in "\r\n" and ord(ch) not in cmap})
