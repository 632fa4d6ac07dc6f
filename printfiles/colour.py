"""Text and mark colours: the customer's '#RRGGBB' as CMYK for the product's output condition."""

from __future__ import annotations

from functools import cache

import pyvips

from profiles.catalogue import Intent
from profiles.icc import OutputProfile

BLACK = (0.0, 0.0, 0.0, 1.0)


def parse_hex(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"colour {colour!r} must be '#RRGGBB'")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@cache
def hex_to_cmyk(
    colour: str, profile: OutputProfile, intent: Intent = Intent.relative
) -> tuple[float, float, float, float]:
    """CMYK fractions 0..1. Black is pure K (0/0/0/100), so text prints sharp on one plate;
    any other colour goes sRGB -> output profile with LittleCMS (via libvips), like the photos."""
    rgb = parse_hex(colour)
    if rgb == (0, 0, 0):
        return BLACK
    pixel = (pyvips.Image.black(1, 1, bands=3) + list(rgb)).cast("uchar").copy(interpretation="srgb")
    cmyk = pixel.icc_transform(
        str(profile.path),
        input_profile="srgb",
        intent=intent.value,
        black_point_compensation=intent is Intent.relative,
        depth=8,
    )
    values = cmyk.getpoint(0, 0)
    return tuple(round(v / 255.0, 4) for v in values[:4])  # type: ignore[return-value]


@cache
def proof_rgb(cmyk: tuple[float, float, float, float], profile: OutputProfile) -> tuple[int, int, int]:
    """How a CMYK colour looks printed, as sRGB (soft proof, relative colorimetric with black point
    compensation, as the render's preview): for previews."""
    values = [round(v * 255) for v in cmyk]
    pixel = (pyvips.Image.black(1, 1, bands=4) + values).cast("uchar").copy(interpretation="cmyk")
    rgb = pixel.icc_transform(
        "srgb", input_profile=str(profile.path), intent="relative", black_point_compensation=True, depth=8
    )
    return tuple(int(v) for v in rgb.getpoint(0, 0)[:3])  # type: ignore[return-value]
