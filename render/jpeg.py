"""What a JPEG file says about its samples, read from its marker segments without decoding it."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO


def jpeg_is_adobe_inverted(path: Path) -> bool:
    """True if the JPEG has an Adobe APP14 marker and 4 components (Photoshop-style inverted CMYK:
    libjpeg, and so libvips, stores CMYK that way; a PDF then needs /Decode [1 0 1 0 1 0 1 0])."""
    with Path(path).open("rb") as fh:
        return jpeg_is_adobe_inverted_at(fh)


def jpeg_is_adobe_inverted_at(fh: BinaryIO) -> bool:
    """As `jpeg_is_adobe_inverted`, for a JPEG starting at the file's current position.

    Walks the marker segments up to the frame header, seeking over large ones (an embedded ICC
    profile can be hundreds of kB), so it reads only a few bytes. `render.sniff.jpeg_frame` walks the
    same segments of a customer's upload for other facts, apart on purpose: it skips stray bytes as
    libjpeg does, within a byte limit; this one reads our rasters and PDF streams from a handle's
    position and answers False on anything malformed.
    """
    if fh.read(2) != b"\xff\xd8":
        return False
    adobe = False
    while True:
        marker = fh.read(2)
        if len(marker) < 2 or marker[0] != 0xFF:
            return False
        code = marker[1]
        if code == 0xFF:  # fill byte
            fh.seek(-1, 1)
            continue
        if code in (0xD8, 0x01) or 0xD0 <= code <= 0xD7:
            continue
        size_bytes = fh.read(2)
        if len(size_bytes) < 2:
            return False
        size = int.from_bytes(size_bytes, "big")
        if size < 2:
            return False
        if code == 0xEE or 0xC0 <= code <= 0xCF and code not in (0xC4, 0xC8, 0xCC):
            body = fh.read(size - 2)
            if code == 0xEE:
                adobe = adobe or body.startswith(b"Adobe")
            else:  # SOFn: precision, height, width, components
                return adobe and len(body) > 5 and body[5] == 4
        elif code == 0xDA:  # scan before any frame header: malformed
            return False
        else:
            fh.seek(size - 2, 1)
