"""Embed rendered rasters in the PDF without decoding them and without holding them in memory.

`render_slot` writes the CMYK raster as a baseline JPEG (or a zlib stream of raw CMYK). qpdf,
when it saves, buffers every stream it writes in memory (measured: a 569 MB JPEG copied in with
`copy_foreign` peaked at 1.2 GB), so the rasters never go through pikepdf. Instead pikepdf
writes each image XObject with a short placeholder as its data, and `splice_rasters` then
copies the file to its final place, putting the raster's bytes (read in 1 MB chunks) where the
placeholder was, fixing each /Length and rewriting the xref table. The bytes in the PDF are the
render's file, byte for byte: never decoded, never re-encoded, never ASCII85.

The placeholder carries the raster's SHA-256, so the /ID qpdf derives from the file's content
still changes when a picture changes.

Polarity: libvips writes CMYK JPEGs Adobe-style (APP14 "Adobe" marker, inverted samples; see
`render.jpeg.jpeg_is_adobe_inverted`). PDF readers take DCT samples as they are, so such an image needs
/Decode [1 0 1 0 1 0 1 0]; tests/printfiles/test_proof.py settles this with a Ghostscript render.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from render.jpeg import jpeg_is_adobe_inverted, jpeg_is_adobe_inverted_at

CHUNK = 1 << 20
MARKER_PREFIX = b"PRINTLINE-RASTER-"
__all__ = ["RasterFile", "jpeg_is_adobe_inverted", "jpeg_is_adobe_inverted_at", "placeholder_image",
           "splice_rasters"]


@dataclass(frozen=True)
class RasterFile:
    """An encoded CMYK raster on disk, as `render_slot` wrote it."""

    path: Path
    encoding: str  # "DCT" | "Flate"
    width_px: int
    height_px: int
    components: int = 4
    sha256: str | None = None  # of the file, when the writer hashed it already (render_slot does)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def placeholder_image(pdf: pikepdf.Pdf, raster: RasterFile, index: int) -> tuple[pikepdf.Object, bytes]:
    """An image XObject with placeholder data for `splice_rasters` to replace, and the placeholder.

    The /Decode polarity is read from the raster file itself (`render.jpeg.jpeg_is_adobe_inverted`,
    the test the render's `adobe_inverted` also comes from), not taken from the render's report, so it
    follows the very bytes embedded, whoever wrote them (tests/printfiles/test_proof.py replaces it)."""
    colour = {1: pikepdf.Name.DeviceGray, 3: pikepdf.Name.DeviceRGB, 4: pikepdf.Name.DeviceCMYK}[
        raster.components
    ]
    marker = MARKER_PREFIX + f"{index:04d}-{raster.sha256 or _sha256(raster.path)}".encode("ascii")
    stream = pikepdf.Stream(pdf, marker)
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Image
    stream.Width = raster.width_px
    stream.Height = raster.height_px
    stream.ColorSpace = colour
    stream.BitsPerComponent = 8
    if raster.encoding == "DCT":
        stream.Filter = pikepdf.Name.DCTDecode
        if raster.components == 4 and jpeg_is_adobe_inverted(raster.path):
            stream.Decode = pikepdf.Array([1, 0] * 4)
    elif raster.encoding == "Flate":
        stream.Filter = pikepdf.Name.FlateDecode
    else:
        raise ValueError(f"unknown raster encoding {raster.encoding!r}; expected DCT or Flate")
    return pdf.make_indirect(stream), marker


_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")


def splice_rasters(draft: Path, out_path: Path, rasters: dict[bytes, Path]) -> Path:
    """Copy `draft` (saved by pikepdf without object streams) to out_path, each placeholder
    replaced by its raster file's bytes; /Length values and the xref table follow."""
    data = draft.read_bytes()  # small: vectors, fonts, ICC profile and placeholders only
    with pikepdf.open(draft) as pdf:
        offsets = {num: entry.offset for (num, gen), entry in pdf.get_xref_table().items() if entry.type == 1}
    xref_at = int(_STARTXREF.search(data[-64:]).group(1)) if _STARTXREF.search(data[-64:]) else None
    if xref_at is None or not data[xref_at:].startswith(b"xref"):
        raise ValueError(f"{draft}: expected a classic xref table (save without object streams)")
    trailer_at = data.index(b"trailer", xref_at)

    edits: list[tuple[int, int, bytes | Path]] = []  # (start, end, replacement) in draft coordinates
    for marker, path in rasters.items():
        at = data.find(marker)
        if at < 0 or data.find(marker, at + 1) >= 0:
            raise ValueError(f"{draft}: placeholder {marker!r} must occur exactly once")
        obj_start = data.rfind(b" obj", 0, at)
        length = re.compile(rb"/Length (\d+)").search(data, obj_start, at)
        if length is None or int(length.group(1)) != len(marker):
            raise ValueError(f"{draft}: placeholder {marker!r} has no matching /Length")
        edits.append((length.start(1), length.end(1), str(path.stat().st_size).encode("ascii")))
        edits.append((at, at + len(marker), path))
    edits.sort(key=lambda e: e[0])

    def size(replacement: bytes | Path) -> int:
        return len(replacement) if isinstance(replacement, bytes) else replacement.stat().st_size

    def shifted(offset: int) -> int:
        return offset + sum(size(r) - (end - start) for start, end, r in edits if end <= offset)

    partial = out_path.with_name(out_path.name + ".part")  # a crash never leaves a half print file
    with partial.open("wb") as out:
        position = 0
        for start, end, replacement in edits:
            out.write(data[position:start])
            if isinstance(replacement, bytes):
                out.write(replacement)
            else:
                with replacement.open("rb") as src:
                    shutil.copyfileobj(src, out, CHUNK)
            position = end
        out.write(data[position:xref_at])
        new_xref = out.tell()
        count = max(offsets) + 1
        out.write(f"xref\n0 {count}\n0000000000 65535 f \n".encode("ascii"))
        for num in range(1, count):
            if num in offsets:
                out.write(f"{shifted(offsets[num]):010d} 00000 n \n".encode("ascii"))
            else:
                out.write(b"0000000000 65535 f \n")
        trailer = data[trailer_at:]
        trailer = trailer[: trailer.rindex(b"startxref")]
        out.write(trailer + f"startxref\n{new_xref}\n%%EOF\n".encode("ascii"))
    os.replace(partial, out_path)
    return out_path
