"""Total ink of the CMYK images in a PDF, read straight from the file so memory stays flat.

The raw stream's offset comes from the xref table; a DCT image is decoded with JPEG
shrink-on-load through a libvips custom source, a Flate image is inflated in chunks row by row.
Block averaging (shrink) means a single-pixel peak may read a little low.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Mapping
from pathlib import Path

import pikepdf
import pyvips

from render.jpeg import jpeg_is_adobe_inverted_at

INK_SAMPLE_EDGE = 1000  # decode CMYK images to about this long edge for the ink measurement


CHUNK = 1 << 20


def raw_stream_at(path: Path, pdf: pikepdf.Pdf, image: pikepdf.Object) -> tuple[int, int] | None:
    """(offset, length) of the stream's raw bytes in the file, or None when not locatable."""
    try:
        objgen = image.objgen
        entry = pdf.get_xref_table().get(objgen)
        length = int(image.stream_dict.get("/Length"))
    except (AttributeError, TypeError, ValueError, pikepdf.PdfError):
        return None
    if entry is None or getattr(entry, "type", None) != 1:
        return None
    offset = int(entry.offset)
    with path.open("rb") as fh:
        fh.seek(offset)
        head = fh.read(65536)
    match = re.search(rb"stream(\r\n|\n)", head)
    if match is None:
        return None
    return offset + match.end(), length


class FileRegion:
    """Reads of one byte range of a file, for a pyvips custom source."""

    def __init__(self, path: Path, offset: int, length: int) -> None:
        self.fh = path.open("rb")
        self.fh.seek(offset)
        self.left = length

    def read(self, size: int) -> bytes:
        data = self.fh.read(min(size, self.left))
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.fh.close()


def decode_inverted(image: pikepdf.Object, components: int) -> bool:
    decode = image.get("/Decode")
    if decode is None or len(decode) < 2 * components:
        return False
    return all(float(decode[2 * i]) == 1.0 and float(decode[2 * i + 1]) == 0.0 for i in range(components))


def ink_dct(
    path: Path, offset: int, length: int, width: int, height: int, inverted_decode: bool
) -> float | None:
    """Max total ink of a DCT image stream, decoded shrunk on load and summed as the render sums its
    own (`render.colour.max_ink_percent`), in the polarity a viewer shows (Adobe APP14 test:
    `render.jpeg.jpeg_is_adobe_inverted_at`). Imported here: render.colour brings numpy, which a
    print file of our own, whose ink is known, never needs (see `ink_flate`)."""
    from render.colour import max_ink_percent

    with path.open("rb") as fh:
        fh.seek(offset)
        if fh.read(2) != b"\xff\xd8":
            return None
        fh.seek(offset)
        adobe = jpeg_is_adobe_inverted_at(fh)
    shrink = 1
    for factor in (8, 4, 2):
        if max(width, height) / factor >= INK_SAMPLE_EDGE:
            shrink = factor
            break
    region = FileRegion(path, offset, length)
    try:
        source = pyvips.SourceCustom()
        source.on_read(region.read)
        img = pyvips.Image.jpegload_source(source, shrink=shrink, access="sequential", fail_on="none")
        if img.bands < 4:
            return None
        if max(img.width, img.height) > 2 * INK_SAMPLE_EDGE:
            img = img.resize(INK_SAMPLE_EDGE / max(img.width, img.height), kernel="linear")
        img = img[0:4].cast("float")
        if adobe != inverted_decode:  # libvips undoes Adobe inversion itself; a viewer applies /Decode
            img = 255 - img
        return round(max_ink_percent(img), 1)
    except pyvips.Error:
        return None
    finally:
        region.close()


def ink_flate(
    path: Path, offset: int, length: int, width: int, height: int, inverted_decode: bool
) -> float | None:
    """Stream-inflate raw 8-bit CMYK rows and track the largest per-pixel sum.

    The sum `render.colour.max_ink_percent` takes of a libvips image, taken here with numpy on rows as
    they inflate: a Flate stream has no shrink-on-load, and the whole raster must never be in memory.

    Inflates at most CHUNK bytes at a time and stops after `height` rows, so a deflate bomb
    costs time bounded by the image size, never memory. numpy is imported here, not at module
    level: a print file of our own never needs it (its ink is known), and the import costs a
    one-off `printline render` 60 ms and 12 MB."""
    import numpy as np

    row_bytes = width * 4
    if row_bytes <= 0 or height <= 0:
        return None
    decomp = zlib.decompressobj()
    pending = b""
    peak = 0
    rows_left = height
    region = FileRegion(path, offset, length)

    def take(data: bytes) -> None:
        nonlocal pending, peak, rows_left
        pending += data
        usable = min(len(pending) // row_bytes, rows_left) * row_bytes
        if usable:
            rows = np.frombuffer(pending[:usable], dtype=np.uint8).reshape(-1, width, 4).astype(np.uint16)
            if inverted_decode:
                rows = 255 - rows
            peak = max(peak, int(rows.sum(axis=2).max()))
            rows_left -= usable // row_bytes
            pending = pending[usable:]

    try:
        while rows_left > 0:
            chunk = region.read(CHUNK)
            if not chunk:
                break
            take(decomp.decompress(chunk, CHUNK))
            while decomp.unconsumed_tail and rows_left > 0:
                take(decomp.decompress(decomp.unconsumed_tail, CHUNK))
    except zlib.error:
        return None
    finally:
        region.close()
    return round(peak / 255 * 100, 1)


def region_sha256(path: Path, offset: int = 0, length: int | None = None) -> str:
    """SHA-256 of a byte range of a file (the whole file by default), read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        fh.seek(offset)
        left = length if length is not None else float("inf")
        while left > 0 and (chunk := fh.read(int(min(CHUNK, left)))):
            digest.update(chunk)
            left -= len(chunk)
    return digest.hexdigest()


def image_ink(path: Path, pdf: pikepdf.Pdf, image: pikepdf.Object, width: int, height: int,
              known: Mapping[str, float] | None = None) -> tuple[float | None, bool]:
    """Max total ink of one CMYK image, and whether it was known: `known` maps the SHA-256 of a raw
    image stream to an ink value measured already (the render's own, for the rasters build_item
    embedded), which skips the decode."""
    filters = image.get("/Filter")
    names = (
        [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)] if filters else []
    )
    if names not in (["/DCTDecode"], ["/FlateDecode"]) or "/DecodeParms" in image:
        return None, False
    located = raw_stream_at(path, pdf, image)
    if located is None:
        return None, False
    offset, length = located
    if known:
        value = known.get(region_sha256(path, offset, length))
        if value is not None:
            return value, True
    inverted = decode_inverted(image, 4)
    if names == ["/DCTDecode"]:
        return ink_dct(path, offset, length, width, height, inverted), False
    if int(image.get("/BitsPerComponent", 8)) != 8:
        return None, False
    return ink_flate(path, offset, length, width, height, inverted), False
