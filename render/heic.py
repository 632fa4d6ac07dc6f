"""HEIC/HEVC photos (the iPhone default), decoded by pillow-heif (libheif + libde265).

The libvips of the pyvips wheel reads AVIF but has no HEVC decoder, so an HEVC-coded HEIF is read here:
`header` opens the file lazily (libheif parses the boxes; no pixel is decoded) for the displayed size,
bands, bit depth and the embedded ICC profile; `decode` decodes the primary image once into a libvips
image in memory, 8-bit (`srgb`) or, for 10/12-bit photos, 16-bit (`rgb16`), with the ICC profile
attached. libheif applies the file's own orientation (`irot`/`imir`, which the camera writes from its
EXIF orientation) while decoding, so what comes out is upright and the EXIF tag is not applied again
(as pillow-heif's `to_pillow` resets it). The decode holds the whole frame: `render.limits` counts it as
a whole-frame decode, the same budget as WebP and AVIF, checked from the header before `decode` runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyvips

LOADER = "heicload"  # our name for this path, beside libvips' own loaders


@dataclass(frozen=True)
class HeicHeader:
    """What the container says, with the few libvips-image attributes `render.source` reads."""

    width: int
    height: int
    bands: int
    format: str  # libvips sample format: "uchar" or "ushort"
    interpretation: str
    pages: int
    icc: bytes | None

    def get_fields(self) -> list[str]:
        fields = ["n-pages"]
        return [*fields, "icc-profile-data"] if self.icc else fields

    def get(self, name: str) -> Any:
        if name == "n-pages":
            return self.pages
        if name == "icc-profile-data":
            return self.icc
        raise KeyError(name)


def _open(path: Path):
    import pillow_heif

    return pillow_heif.open_heif(str(path), convert_hdr_to_8bit=False)


def header(path: Path) -> HeicHeader:
    """The primary image's facts without decoding it; ValueError/RuntimeError for a broken file."""
    heif = _open(path)
    bands = 4 if "A" in heif.mode.split(";")[0] else 3
    deep = int(heif.info.get("bit_depth") or 8) > 8
    icc = heif.info.get("icc_profile") or None
    return HeicHeader(width=heif.size[0], height=heif.size[1], bands=bands, format="ushort" if deep else "uchar",
                      interpretation="rgb16" if deep else "srgb", pages=max(1, len(heif)),
                      icc=bytes(icc) if icc and heif.info.get("icc_profile_type") != "nclx" else None)


def decode(path: Path) -> pyvips.Image:
    """The primary image, upright, as a libvips image held in memory (8- or 16-bit, ICC attached)."""
    heif = _open(path)
    width, height = heif.size
    bands = 4 if "A" in heif.mode.split(";")[0] else 3
    deep = heif.mode.endswith(";16") or int(heif.info.get("bit_depth") or 8) > 8
    import numpy as np  # here, not at the top: only HEIC needs it (15 MB and 0.08 s of every start-up)

    dtype = np.uint16 if deep else np.uint8
    size = np.dtype(dtype).itemsize
    rows = np.frombuffer(heif.data, dtype=np.uint8).reshape(height, heif.stride)
    pixels = np.ascontiguousarray(rows[:, : width * bands * size]).view(dtype)
    # (pillow-heif hands 10/12-bit samples over scaled to the 16-bit range already)
    image = pyvips.Image.new_from_memory(pixels.data, width, height, bands, "ushort" if deep else "uchar")
    image = image.copy(interpretation="rgb16" if deep else "srgb")
    icc = heif.info.get("icc_profile")
    if icc and heif.info.get("icc_profile_type") != "nclx":
        image.set_type(pyvips.GValue.blob_type, "icc-profile-data", bytes(icc))
    return image
