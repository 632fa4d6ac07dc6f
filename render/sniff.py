"""What a file is, from its own bytes, before any libvips loader sees it.

libvips picks a loader by content, and its wheel carries loaders a customer must never reach
(SVG, CSV, matrix, raw, the VIPS format). So the file's magic bytes decide first, against an
allow-list; and for the formats we take, the few structural facts that decide how much memory a
decode needs (progressive JPEG, interlaced PNG) or whether the data is complete (PNG chunks) are
read here from the container itself, without decoding pixels.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

HEAD_BYTES = 64
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
# kinds we refuse, named so the customer learns what they sent (first match wins)
REFUSED_KINDS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"), (b"<?xml", "XML/SVG"), (b"<svg", "SVG"), (b"<!DOCTYPE", "HTML/XML"), (b"<html", "HTML"),
    (b"PK\x03\x04", "ZIP"), (b"BM", "BMP"), (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"), (b"\xff\x4f\xff\x51", "JPEG 2000"),
    (b"\xff\x0a", "JPEG XL"), (b"\x00\x00\x00\x0cJXL ", "JPEG XL"), (b"\x08\xf2\xa6\xb6", "VIPS"),
    (b"\xb6\xa6\xf2\x08", "VIPS"), (b"8BPS", "Photoshop"), (b"%!PS", "PostScript"), (b"\x1f\x8b", "gzip"),
)


def sniff(head: bytes) -> str | None:
    """Our format name for the first bytes of a file, or None when it is not one we accept."""
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "heif"
    return None


def kind(head: bytes) -> str:
    """A name for a file we refuse ('SVG', 'PDF', ..., 'unknown'), for the message."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    for magic, name in REFUSED_KINDS:
        if stripped[: len(magic)].lower() == magic.lower():
            return name
    if head[4:8] == b"ftyp":
        return "MP4/QuickTime video"
    return "unknown"


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    with path.open("rb") as fh:
        return fh.read(size)


@dataclass(frozen=True)
class JpegFrame:
    """The JPEG's frame header: coding process and how many samples each component has."""

    progressive: bool
    arithmetic: bool
    lossless: bool
    precision: int
    sampling: tuple[tuple[int, int], ...]  # (h, v) per component

    def samples_per_pixel(self) -> float:
        """Samples the decoder stores per image pixel (3.0 for 4:4:4 YCbCr, 1.5 for 4:2:0)."""
        if not self.sampling:
            return 0.0
        hmax = max(h for h, _ in self.sampling) or 1
        vmax = max(v for _, v in self.sampling) or 1
        return sum(h * v for h, v in self.sampling) / (hmax * vmax)


def jpeg_frame(path: Path, limit: int = 1 << 24) -> JpegFrame | None:
    """The first SOF marker's facts, walking marker segments (not entropy data); None if absent.

    Apart from `render.jpeg.jpeg_is_adobe_inverted_at`, which walks the same segments of our own
    rasters and PDF streams strictly: this one reads a customer's upload, so it resynchronises over
    stray bytes as libjpeg does (the frame it finds is the one the decode will cost)."""
    with path.open("rb") as fh:
        if fh.read(2) != b"\xff\xd8":
            return None
        while fh.tell() < limit:
            byte = fh.read(1)
            if not byte:
                return None
            if byte != b"\xff":
                continue
            marker = fh.read(1)
            while marker == b"\xff":
                marker = fh.read(1)
            if not marker:
                return None
            code = marker[0]
            if code in (0x01, 0xD8) or 0xD0 <= code <= 0xD7:
                continue
            if code in (0xD9, 0xDA):  # EOI or scan before any frame header
                return None
            raw = fh.read(2)
            if len(raw) < 2:
                return None
            length = struct.unpack(">H", raw)[0]
            body = fh.read(max(0, length - 2))
            if 0xC0 <= code <= 0xCF and code not in (0xC4, 0xC8, 0xCC):
                if len(body) < 6:
                    return None
                count = body[5]
                comps = body[6 : 6 + 3 * count]
                sampling = tuple((comps[i + 1] >> 4, comps[i + 1] & 15) for i in range(0, len(comps) - 2, 3))
                return JpegFrame(progressive=code in (0xC2, 0xC6, 0xCA, 0xCE), arithmetic=code >= 0xC9,
                                 lossless=code in (0xC3, 0xC7, 0xCB, 0xCF), precision=body[0], sampling=sampling)
    return None


def png_interlaced(path: Path) -> bool:
    """Adam7 interlacing: the decoder must hold the whole image before the first row is final."""
    head = read_head(path, 29)
    return len(head) == 29 and head[12:16] == b"IHDR" and head[28] == 1


def png_complete(path: Path) -> bool:
    """Every chunk up to IEND lies inside the file, and IDAT data is present (bytes after IEND, as
    some apps append, are fine). A PNG cut short shows here even when an IEND was pasted on."""
    size = path.stat().st_size
    seen_idat = False
    with path.open("rb") as fh:
        fh.seek(8)
        while True:
            raw = fh.read(8)
            if len(raw) < 8:
                return False
            length, ctype = struct.unpack(">I4s", raw)
            end = fh.tell() + length + 4
            if end > size:
                return False
            if ctype == b"IDAT":
                seen_idat = True
            if ctype == b"IEND":
                return seen_idat
            fh.seek(end)


TIFF_TYPES = {3: ("H", 2), 4: ("I", 4), 16: ("Q", 8)}  # SHORT, LONG, LONG8
TIFF_OFFSETS = {273: 279, 324: 325}  # StripOffsets -> StripByteCounts, TileOffsets -> TileByteCounts


def _tiff_values(fh, order: str, kind: int, count: int, inline: bytes) -> list[int]:
    code, size = TIFF_TYPES.get(kind, ("I", 4))
    if count * size <= len(inline):
        return list(struct.unpack(f"{order}{count}{code}", inline[: count * size]))
    fh.seek(struct.unpack(f"{order}I", inline[:4])[0])
    raw = fh.read(count * size)
    return list(struct.unpack(f"{order}{len(raw) // size}{code}", raw[: len(raw) // size * size]))


def tiff_complete(path: Path, max_entries: int = 4096) -> bool:
    """Every strip or tile of the first classic-TIFF directory lies inside the file (libvips loads a
    TIFF whose strips are cut off and fails only when it reaches them). BigTIFF: not checked, True."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(8)
        if head[:4] not in (b"II*\x00", b"MM\x00*"):
            return True
        order = "<" if head[:2] == b"II" else ">"
        fh.seek(struct.unpack(f"{order}I", head[4:8])[0])
        raw = fh.read(2)
        if len(raw) < 2:
            return False
        count = min(struct.unpack(f"{order}H", raw)[0], max_entries)
        entries = fh.read(12 * count)
        tags: dict[int, list[int]] = {}
        for i in range(len(entries) // 12):
            tag, kind, n = struct.unpack(f"{order}HHI", entries[12 * i : 12 * i + 8])
            if tag in TIFF_OFFSETS or tag in TIFF_OFFSETS.values():
                tags[tag] = _tiff_values(fh, order, kind, min(n, 1 << 20), entries[12 * i + 8 : 12 * i + 12])
    for offsets_tag, counts_tag in TIFF_OFFSETS.items():
        offsets, counts = tags.get(offsets_tag), tags.get(counts_tag)
        if offsets is None:
            continue
        if counts is None or len(counts) < len(offsets):
            return False
        if any(o + c > size for o, c in zip(offsets, counts, strict=False)):
            return False
    return True
