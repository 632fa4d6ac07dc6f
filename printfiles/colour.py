"""Text and mark colours: the customer's '#RRGGBB' as CMYK for the product's output condition.

The conversion itself is render.colour's (`srgb_to_output`, `soft_proof`), the one the photos,
the bleed and the slot preview go through; this module adds what text needs on top: pure K for
black and CMYK as 0..1 fractions, as the PDF sets them.
"""

from __future__ import annotations

from functools import cache

import pyvips

from profiles.catalogue import Intent
from profiles.icc import OutputProfile
from render.colour import parse_hex, soft_proof, srgb_to_output

__all__ = ["BLACK", "hex_to_cmyk", "parse_hex", "proof_rgb"]

BLACK = (0.0, 0.0, 0.0, 1.0)


@cache
def hex_to_cmyk(
    colour: str, profile: OutputProfile, intent: Intent = Intent.relative
) -> tuple[float, float, float, float]:
    """CMYK fractions 0..1. Black is pure K (0/0/0/100), so text prints sharp on one plate (which is
    why this is not `render.colour.hex_to_output`, whose bleed black is the profile's rich black);
    any other colour goes sRGB -> output profile with LittleCMS through that same conversion,
    `render.colour.srgb_to_output` (pyvips.Error on an unusable profile, not a customer error)."""
    rgb = parse_hex(colour)
    if rgb == (0, 0, 0):
        return BLACK
    values = srgb_to_output(rgb, profile, intent)
    return tuple(round(v / 255.0, 4) for v in values[:4])  # type: ignore[return-value]


@cache
def proof_rgb(cmyk: tuple[float, float, float, float], profile: OutputProfile) -> tuple[int, int, int]:
    """How a CMYK colour looks printed, as sRGB (`render.colour.soft_proof`, the render's preview's
    soft proof): for previews."""
    values = [round(v * 255) for v in cmyk]
    pixel = (pyvips.Image.black(1, 1, bands=4) + values).cast("uchar").copy(interpretation="cmyk")
    rgb = soft_proof(pixel, profile)
    return tuple(int(v) for v in rgb.getpoint(0, 0)[:3])  # type: ignore[return-value]
