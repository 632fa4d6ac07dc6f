"""Open a customer's image as an upright, alpha-free libvips pipeline in its own colour space.

Loading is lazy and sequential: libvips decodes rows only as the output is written, so the whole
photo is never in memory. Exceptions: EXIF orientations that turn or flip vertically need random
access (libvips then decodes the photo once into memory, ~3 bytes per pixel).

Before libvips parses a byte, `open_checked` locks libvips down (`lock_down`), checks the file's
magic bytes against the formats we take and calls that format's loader by name, then refuses
from the header alone what is over the limits of `render.limits` (pixels, pages, decode bytes,
bands, sample format); `inspect` also refuses JPEG and PNG data that ends early
(`render.integrity`); `read_header` is both. The upload probe uses it too, so API and worker agree.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import pyvips

from render import heic
from render import limits as _limits
from render.errors import InputRefused, RenderError
from render.integrity import check_complete
from render.limits import SWAPPING_ORIENTATIONS, Header, Limits, lock_down
from render.sniff import jpeg_frame, kind, png_interlaced, read_head, sniff

__all__ = ["FORMATS", "Loaded", "SourceInfo", "heif_decodable", "inspect", "load", "lock_down",
           "open_checked", "read_header", "upright_size"]

FORMATS = {
    "jpegload": "jpeg",
    "pngload": "png",
    "tiffload": "tiff",
    "webpload": "webp",
    "heifload": "heif",
    heic.LOADER: "heif",  # HEVC-coded HEIF, through pillow-heif (render/heic.py)
    "gifload": "gif",
    "jp2kload": "jp2k",
    "jxlload": "jxl",
}
SEQUENTIAL_ORIENTATIONS = {1, 2}  # no turn, or a mirror along rows: decodable top to bottom


def upright_size(width: int, height: int, orientation: int) -> tuple[int, int]:
    """Stored size turned by the EXIF orientation (5-8 swap the axes): the render's and the probe's."""
    return (height, width) if orientation in SWAPPING_ORIENTATIONS else (width, height)


@dataclass(frozen=True)
class SourceInfo:
    """What the file says about itself, before any pixel is decoded."""

    path: Path
    format: str
    loader: str
    width: int  # as stored
    height: int
    orientation: int
    frames: int
    bands: int
    bits: int
    interpretation: str
    has_alpha: bool
    icc: bytes | None
    icc_name: str | None

    @property
    def upright(self) -> tuple[int, int]:
        """Size after EXIF orientation."""
        return upright_size(self.width, self.height, self.orientation)

    @property
    def colour_space(self) -> str:
        if self.interpretation in ("cmyk",):
            return "cmyk"
        if self.interpretation in ("b-w", "grey16"):
            return "grey"
        if self.interpretation in ("srgb", "rgb16", "rgb", "scrgb"):
            return "rgb"
        return self.interpretation


def icc_description(data: bytes) -> str | None:
    """The profile's name from its 'desc' tag (ICC v2 'desc' or v4 'mluc'), None if unreadable."""
    try:
        count = struct.unpack(">I", data[128:132])[0]
        for i in range(count):
            sig, offset, size = struct.unpack(">4sII", data[132 + 12 * i : 144 + 12 * i])
            if sig != b"desc":
                continue
            tag = data[offset : offset + size]
            if tag[:4] == b"desc":
                length = struct.unpack(">I", tag[8:12])[0]
                return tag[12 : 12 + length].split(b"\0")[0].decode("latin-1").strip() or None
            if tag[:4] == b"mluc":
                records = struct.unpack(">I", tag[8:12])[0]
                if records:
                    rec_len, rec_off = struct.unpack(">II", tag[20:28])
                    return tag[rec_off : rec_off + rec_len].decode("utf-16-be").strip("\0 ") or None
    except (struct.error, UnicodeDecodeError):
        return None
    return None


def heif_decodable(path: Path) -> bool:
    """Can libvips decode this HEIF file's codec? Decodes only the file's tiny embedded thumbnail
    (the wheel's libvips reads AVIF but has no HEVC decoder: iPhone HEICs go to `render.heic`)."""
    try:
        pyvips.Image.heifload(str(path), thumbnail=True).avg()
    except pyvips.Error as exc:
        return "has not been built in" not in str(exc) and "decoder plugin" not in str(exc)
    return True


NOT_AN_IMAGE = "is not an image that can be read (send a JPEG, PNG, TIFF, WebP, HEIC/AVIF or GIF photo)."
LOADERS = {"jpeg": "jpegload", "png": "pngload", "tiff": "tiffload", "webp": "webpload", "heif": "heifload",
           "gif": "gifload"}


def _sniffed(path: Path) -> str:
    """Our format name from the magic bytes; InputRefused before any loader sees another kind."""
    try:
        if path.stat().st_size == 0:
            raise InputRefused("empty", f"The file {path.name!r} is empty; upload the photo again.")
        head = read_head(path)
    except OSError as exc:
        raise InputRefused("unreadable", f"The file {path.name!r} cannot be read ({exc.strerror}).") from exc
    fmt = sniff(head)
    if fmt is None:
        what = kind(head)
        if what == "unknown":
            raise InputRefused("not-an-image", f"The file {path.name!r} {NOT_AN_IMAGE}")
        raise InputRefused("unsupported-format", f"{what} files are not accepted ({path.name!r}); send a JPEG, "
                           "PNG, TIFF, WebP, HEIC/AVIF or GIF photo.")
    return fmt


def _header(image: pyvips.Image, fmt: str, path: Path) -> Header:
    fields = set(image.get_fields())
    orientation = int(image.get("orientation")) if "orientation" in fields else 1
    frame = jpeg_frame(path) if fmt == "jpeg" else None
    return Header(format=fmt, width=image.width, height=image.height, bands=image.bands,
                  sample_format=str(image.format), interpretation=str(image.interpretation),
                  orientation=orientation if 1 <= orientation <= 8 else 1,
                  pages=max(1, int(image.get("n-pages")) if "n-pages" in fields else 1),
                  progressive=bool(frame and frame.progressive),
                  interlaced=fmt == "png" and png_interlaced(path),
                  jpeg_samples=frame.samples_per_pixel() if frame and frame.sampling else float(image.bands))


def open_checked(path: Path, limits: Limits | None = None) -> tuple[pyvips.Image, Header]:
    """The lazily opened image and its header facts, after the magic-byte allow-list and the limits
    (pixels, pages, decode budget, bands, sample format). InputRefused (a RenderError) otherwise."""
    lock_down()
    fmt = _sniffed(path)
    try:
        if fmt == "heif" and not heif_decodable(path):  # HEVC: libheif reads the header, decodes nothing
            image = heic.header(path)
        else:
            image = getattr(pyvips.Image, LOADERS[fmt])(str(path), access="sequential", fail_on="error")
        header = _header(image, fmt, path)
    except (pyvips.Error, ValueError, RuntimeError, OSError) as exc:
        raise InputRefused("not-an-image", f"The file {path.name!r} {NOT_AN_IMAGE}") from exc
    _limits.check_limits(header, limits)
    return image, header


def read_header(path: Path, limits: Limits | None = None, *,
                check_data: bool = True) -> tuple[pyvips.Image, Header]:
    """`open_checked`, then whether the JPEG/PNG/TIFF data is complete (`render.integrity`): every
    check the upload probe (`render.probe.probe_image`) and the render (`inspect`) make, in one
    place so the API and the worker refuse the same files. InputRefused otherwise.
    `check_data=False` leaves the data check to the caller (`render.integrity.check_complete`)."""
    image, header = open_checked(path, limits)
    if check_data:
        check_complete(path, header.format)
    return image, header


def inspect(path: Path, *, limits: Limits | None = None, check_data: bool = True) -> SourceInfo:
    """Read the header; RenderError when the file is not an image we can print (see `read_header`).
    Orientation and frame count are the header's as `_header` normalised them. A caller that
    checks the data itself passes `check_data=False` (render.pipeline.render_slot)."""
    image, header = read_header(path, limits, check_data=check_data)
    fields = set(image.get_fields())
    loader = heic.LOADER if isinstance(image, heic.HeicHeader) else LOADERS[header.format]
    icc = bytes(image.get("icc-profile-data")) if "icc-profile-data" in fields else None
    interpretation, bands, fmt = header.interpretation, header.bands, header.sample_format
    if fmt in ("uchar", "char"):
        bits = 8
    elif fmt in ("ushort", "short"):
        bits = 16
    else:
        bits = 32
    colour_bands = 4 if interpretation == "cmyk" else (1 if interpretation in ("b-w", "grey16") else 3)
    return SourceInfo(
        path=path,
        format=FORMATS.get(loader, loader.removesuffix("load")),
        loader=loader,
        width=image.width,
        height=image.height,
        orientation=header.orientation,
        frames=header.pages,
        bands=bands,
        bits=bits,
        interpretation=interpretation,
        has_alpha=bands > colour_bands,
        icc=icc,
        icc_name=icc_description(icc) if icc else None,
    )


@dataclass(frozen=True)
class Loaded:
    """An upright, flattened image and how its pixel coordinates map to upright source pixels.

    upright_x = (image_x - offset_x) * shrink, likewise for y.
    """

    image: pyvips.Image
    shrink: int
    offset_x: float
    offset_y: float
    in_memory: bool = False  # decoded whole (random access, or a small copy): any row may be read again


def _reversed_axes(orientation: int) -> tuple[bool, bool, bool]:
    """(upright x reversed vs storage, upright y reversed, axes swapped) for EXIF orientations 1-8."""
    return {
        1: (False, False, False),
        2: (True, False, False),
        3: (True, True, False),
        4: (False, True, False),
        5: (False, False, True),
        6: (True, False, True),
        7: (True, True, True),
        8: (False, True, True),
    }[orientation]


def load(info: SourceInfo, *, shrink: int = 1, random_access: bool = False, fail_on: str = "error") -> Loaded:
    """The first frame, upright, alpha flattened on white; JPEG shrunk on load by `shrink` (1, 2, 4, 8);
    `fail_on="warning"` for the decode that checks the data too (render.integrity.decode_checked)."""
    sequential = info.orientation in SEQUENTIAL_ORIENTATIONS and not random_access
    options: dict = {"access": "sequential" if sequential else "random", "fail_on": fail_on}
    if info.loader != "jpegload":
        shrink = 1
    if shrink > 1:
        options["shrink"] = shrink
    try:
        lock_down()
        if info.loader == heic.LOADER:  # decoded once into memory, upright (libheif applies irot/imir)
            stored = heic.decode(info.path)
        else:
            stored = getattr(pyvips.Image, info.loader)(str(info.path), **options)
        image = stored.autorot() if info.orientation != 1 else stored
    except (pyvips.Error, ValueError, RuntimeError) as exc:
        raise RenderError(
            f"The image {info.path.name!r} is damaged and cannot be decoded; "
            "please upload the original photo again."
        ) from exc
    image = _flatten(image, info)
    offset_x = offset_y = 0.0
    if shrink > 1:
        # Shrunk pixels are anchored at the stored image's left/top edge (a partial last block is
        # dropped or kept); on an axis the orientation reverses, that edge becomes the far one.
        rev_x, rev_y, swapped = _reversed_axes(info.orientation)
        along_x = (stored.height, info.height) if swapped else (stored.width, info.width)
        along_y = (stored.width, info.width) if swapped else (stored.height, info.height)
        if rev_x:
            offset_x = along_x[0] - along_x[1] / shrink
        if rev_y:
            offset_y = along_y[0] - along_y[1] / shrink
    return Loaded(image=image, shrink=shrink, offset_x=offset_x, offset_y=offset_y, in_memory=not sequential)


def white(image: pyvips.Image) -> list[float]:
    """Paper white in the image's own encoding."""
    top = 65535.0 if image.format == "ushort" else 255.0
    if image.interpretation == "cmyk":
        return [0.0] * 4
    return [top] * (image.bands - (1 if image.hasalpha() else 0))


def _flatten(image: pyvips.Image, info: SourceInfo) -> pyvips.Image:
    """Alpha flattened on white; formats other than 8/16-bit integer brought to 8-bit sRGB."""
    if info.has_alpha:
        image = image.flatten(background=white(image), max_alpha=65535 if image.format == "ushort" else 255)
        if image.format not in ("uchar", "ushort"):
            image = image.cast("ushort" if info.bits == 16 else "uchar")
    if image.format not in ("uchar", "ushort") or info.colour_space not in ("rgb", "grey", "cmyk"):
        image = image.colourspace("srgb")
        if image.format != "uchar":
            image = image.cast("uchar")
    return image
