"""Limits on what a customer's file may make a process do, all checked before a pixel is decoded.

One process-wide `Limits` (set from settings with `configure`, defaults otherwise) serves the
upload probe and the render's `inspect`, so the API and the worker/CLI refuse the same files.

The decode budget counts the bytes a decode touches plus what a non-streamable decode must hold in
memory, times the number of such copies a render holds at once. Peak RSS of `printline render
--product poster-50x70` (`python -m tests.render.hostile --peaks`, 2 cores, libvips 8.18):

    100 MP JPEG baseline 8-bit (300 MB decoded)              273 MB  (streams)
    100 MP PNG 8-bit (300 MB)                                372 MB  (streams)
    100 MP PNG 16-bit (600 MB)                               604 MB  -> over budget
    24 MP progressive JPEG 4:4:4 (144 MB coefficients)       431 MB
    48 MP progressive JPEG 4:4:4 (288 MB coefficients)       712 MB  -> over budget
    100 MP progressive JPEG 4:4:4 (600 MB coefficients)     1419 MB  -> over budget
    100 MP interlaced PNG (300 MB held)                      846 MB  -> over budget
    48 MP 16-bit CMYK TIFF, EXIF orientation 6 (384 MB)     2568 MB  -> over budget

So peak ~ 150 MB + 0.75 x decoded for streaming files, and each non-streamable decode adds its
held bytes again per copy: ~2 copies of a progressive JPEG's 16-bit DCT coefficients (raster and
preview decode at once: (431 - 143) / 144 and (1419 - 273) / 600 both give ~2), ~2 of an
interlaced PNG, ~6 of a turned (EXIF 5-8) TIFF or PNG, ~1 of a turned JPEG (48 MP, orientation 6:
348 MB against 158 MB upright). A budget of 400 MB keeps the worst accepted file under the 500 MB
a job may take.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pyvips

from render.errors import InputRefused

MB = 1024 * 1024
DEFAULT_MAX_PIXELS = 100_000_000
DEFAULT_MAX_DECODE_BYTES = 400 * MB
DEFAULT_MAX_PAGES = 100
MAX_COLOUR_BANDS = 4  # CMYK is the most a print can be made from; one alpha band on top
SWAPPING_ORIENTATIONS = {5, 6, 7, 8}  # EXIF orientations that turn by 90°: width and height swap
SAMPLE_BYTES = {"uchar": 1, "ushort": 2}  # integer 8/16-bit; float, double, complex, signed: refused
# held copies per non-streamable decode (measured above); a turned JPEG is held at its shrunk size
COPIES = {"progressive JPEG": 2, "interlaced PNG": 2, "EXIF orientation 5-8": 6,
          "EXIF orientation 5-8 (JPEG)": 1, "whole-frame decode": 2}
# loaders a customer's file may reach (GType names; each blocks or unblocks its subclasses)
ALLOWED_LOADERS = ("VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadTiff",
                   "VipsForeignLoadWebp", "VipsForeignLoadHeif", "VipsForeignLoadNsgif")


@dataclass(frozen=True)
class Limits:
    """What one image may cost; see the module docstring for how the budget was chosen."""

    max_pixels: int = DEFAULT_MAX_PIXELS
    max_decode_bytes: int = DEFAULT_MAX_DECODE_BYTES
    max_pages: int = DEFAULT_MAX_PAGES


_limits = Limits()
_locked = False
_lock = threading.Lock()


def configure(limits: Limits) -> None:
    """Set the process-wide limits (from settings, at start-up of the API, the worker or the CLI)."""
    global _limits
    _limits = limits


def current() -> Limits:
    return _limits


def lock_down() -> None:
    """Block libvips' untrusted operations and every loader but ours, once per process (idempotent).

    Called wherever a customer's file is probed or opened, so it runs before the first one is,
    in the API, the worker and the CLI alike."""
    global _locked
    if _locked:
        return
    with _lock:
        if _locked:
            return
        pyvips.block_untrusted_set(True)
        pyvips.operation_block_set("VipsForeignLoad", True)
        for name in ALLOWED_LOADERS:
            pyvips.operation_block_set(name, False)
        _locked = True


@dataclass(frozen=True)
class Header:
    """The facts from a file's header that decide its decode cost and whether it is printable."""

    format: str
    width: int
    height: int
    bands: int
    sample_format: str
    interpretation: str
    orientation: int = 1
    pages: int = 1
    progressive: bool = False
    interlaced: bool = False
    jpeg_samples: float = 3.0  # stored samples per pixel of a JPEG (1.5 for 4:2:0)


@dataclass(frozen=True)
class Cost:
    decoded: int  # bytes of decoded pixels of the first page
    held: int  # bytes a non-streamable decode holds at once, per copy
    copies: int
    why: str  # what makes the decode hold memory, "" for a streaming one

    @property
    def total(self) -> int:
        return self.decoded + self.held * self.copies


def decode_cost(h: Header, *, jpeg_shrink: int = 1) -> Cost:
    """Bytes the decode of the first page touches, plus what it must hold in memory."""
    pixels = h.width * h.height
    decoded = pixels * h.bands * SAMPLE_BYTES.get(h.sample_format, 8)
    if h.format == "jpeg" and h.progressive:  # libjpeg keeps every 16-bit DCT coefficient, at any shrink
        return Cost(decoded, int(pixels * h.jpeg_samples * 2), COPIES["progressive JPEG"], "progressive JPEG")
    if h.format == "png" and h.interlaced:
        return Cost(decoded, decoded, COPIES["interlaced PNG"], "interlaced PNG")
    if h.orientation in SWAPPING_ORIENTATIONS:
        if h.format == "jpeg":
            copies = COPIES["EXIF orientation 5-8 (JPEG)"]
            return Cost(decoded, decoded // (jpeg_shrink * jpeg_shrink), copies, "EXIF orientation 5-8")
        return Cost(decoded, decoded, COPIES["EXIF orientation 5-8"], "EXIF orientation 5-8")
    if h.format in ("webp", "gif", "heif"):  # these decoders build whole frames in memory
        held = pixels * (4 if h.format == "gif" else h.bands * SAMPLE_BYTES.get(h.sample_format, 1))
        return Cost(decoded, held, COPIES["whole-frame decode"], "whole-frame decode")
    return Cost(decoded, 0, 0, "")


def check_printable(h: Header) -> None:
    """Refuse sample formats and band counts no print can be made from (before any decode)."""
    if h.sample_format not in SAMPLE_BYTES:
        raise InputRefused("unsupported-sample-format", f"The image stores {h.sample_format} samples; a print "
                           "is made from 8- or 16-bit integer images. Export it as an 8- or 16-bit JPEG, "
                           "PNG or TIFF.")
    if h.bands > MAX_COLOUR_BANDS + 1 or (h.bands == MAX_COLOUR_BANDS + 1 and h.interpretation != "cmyk"):
        raise InputRefused("unsupported-bands", f"The image has {h.bands} bands; a print is made from grey, "
                           "RGB or CMYK (with at most one alpha band). Flatten extra channels and export "
                           "it again.")


def check_limits(h: Header, limits: Limits | None = None, *, jpeg_shrink: int = 1) -> Cost:
    """Refuse too many pixels, pages or decode bytes (from the header alone); the cost otherwise."""
    limits = limits or current()
    pixels = h.width * h.height
    if h.width < 1 or h.height < 1:
        raise InputRefused("unreadable", "The image header gives no size.")
    if pixels > limits.max_pixels:
        raise InputRefused("too-many-pixels", f"The image has {h.width} x {h.height} = {pixels:,} pixels, "
                           f"more than the limit of {limits.max_pixels:,}. Send a smaller image.")
    if h.pages > limits.max_pages:
        raise InputRefused("too-many-pages", f"The file has {h.pages} pages or frames, more than the limit of "
                           f"{limits.max_pages}. Send the one picture to print.")
    check_printable(h)
    cost = decode_cost(h, jpeg_shrink=jpeg_shrink)
    if cost.total > limits.max_decode_bytes:
        raise InputRefused("decode-too-large", _budget_message(h, cost, limits.max_decode_bytes))
    return cost


def _budget_message(h: Header, cost: Cost, budget: int) -> str:
    bits = 8 * SAMPLE_BYTES.get(h.sample_format, 8)
    what = f"{h.width} x {h.height} pixels, {h.bands} bands of {bits} bit"
    advice = {"progressive JPEG": "save it as a baseline (non-progressive) JPEG",
              "interlaced PNG": "save it without interlacing",
              "EXIF orientation 5-8": "save it turned upright (no EXIF rotation)",
              "whole-frame decode": "send it as JPEG or TIFF"}.get(cost.why, "")
    fix = f"{advice}, or send fewer pixels" if advice else "send fewer pixels or 8-bit colour"
    held = f" ({cost.why}: the whole image is held in memory)" if cost.why else ""
    return (f"The image ({what}) needs {cost.total / MB:,.0f} MB to decode{held}, more than the limit of "
            f"{budget / MB:,.0f} MB. To print it, {fix}.")
