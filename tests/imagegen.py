"""Small test images made on the fly with libvips: gradients with structure, so crops and
colours can be checked, in any size, format, orientation and colour space."""

from __future__ import annotations

from pathlib import Path

import pyvips


def gradient_rgb(width: int, height: int) -> pyvips.Image:
    """An 8-bit sRGB image: red grows left→right, green top→bottom, blue a checker of 32 px."""
    x = pyvips.Image.xyz(width, height)
    red = x[0] * (255.0 / max(width - 1, 1))
    green = x[1] * (255.0 / max(height - 1, 1))
    blue = ((x[0] // 32 + x[1] // 32) % 2) * 200 + 27
    return red.bandjoin([green, blue]).cast("uchar").copy(interpretation="srgb")


def photo_jpeg(path: Path, width: int, height: int, *, quality: int = 90, orientation: int | None = None) -> Path:
    """Write a gradient JPEG; `orientation` sets the EXIF orientation tag without turning pixels."""
    image = gradient_rgb(width, height)
    if orientation is not None:
        image = image.copy()
        image.set_type(pyvips.GValue.gint_type, "orientation", orientation)
    image.jpegsave(str(path), Q=quality)
    return path
