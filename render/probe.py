"""Header probe of an upload: what the API may check without rendering.

Reads the image header (and, for JPEG and PNG, the file's last bytes, where a truncated upload
shows) and refuses what a worker could not print: not an image, a format we do not take, a
truncated file, or more pixels than the configured limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyvips

from render.source import FORMATS, HEIF_UNDECODABLE, heif_decodable

# the formats an upload may have (libvips loader names → ours); anything else is refused
ACCEPTED_LOADERS = {loader: FORMATS[loader] for loader in
                    ("jpegload", "pngload", "tiffload", "webpload", "heifload", "gifload")}
UPRIGHT_SWAPS = {5, 6, 7, 8}  # EXIF orientations that turn the image by 90°


class ProbeError(ValueError):
    """The upload is not an image we can print; `code` is a stable machine-readable reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ImageInfo:
    """What the header says: stored size, upright size (after EXIF orientation), format and more."""

    format: str
    width: int
    height: int
    upright_width: int
    upright_height: int
    orientation: int
    pages: int
    bands: int
    interpretation: str
    has_icc_profile: bool


def _open_header(path: Path) -> pyvips.Image:
    """Open lazily: libvips reads the header only until pixels are asked for."""
    try:
        return pyvips.Image.new_from_file(str(path), access="sequential", fail_on="error")
    except pyvips.Error as exc:
        raise ProbeError("not-an-image", "The upload is not an image that can be read "
                         "(accepted: JPEG, PNG, TIFF, WebP, HEIC/AVIF, GIF).") from exc


def _check_trailer(path: Path, fmt: str) -> None:
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - 64))
        tail = fh.read()
    if fmt == "jpeg" and b"\xff\xd9" not in tail:
        raise ProbeError("truncated", "The JPEG file is truncated (it has no end-of-image marker). "
                         "Upload the complete file again.")
    if fmt == "png" and b"IEND" not in tail:
        raise ProbeError("truncated", "The PNG file is truncated (it has no IEND chunk). "
                         "Upload the complete file again.")


def probe_image(path: Path, *, max_pixels: int) -> ImageInfo:
    """Read the header of the image at `path`; raise ProbeError with a reason a person can act on."""
    if path.stat().st_size == 0:
        raise ProbeError("empty", "The upload is empty.")
    image = _open_header(path)
    loader = str(image.get("vips-loader")) if "vips-loader" in image.get_fields() else "unknown"
    loader = loader.removesuffix("_source").removesuffix("_buffer")
    fmt = ACCEPTED_LOADERS.get(loader)
    if fmt is None:
        raise ProbeError("unsupported-format", f"Images of this kind ({loader.removesuffix('load')}) are not "
                         "accepted; send JPEG, PNG, TIFF, WebP or HEIC/AVIF.")
    try:
        width, height = image.width, image.height
        fields = set(image.get_fields())
        orientation = int(image.get("orientation")) if "orientation" in fields else 1
        pages = int(image.get("n-pages")) if "n-pages" in fields else 1
        info = ImageInfo(
            format=fmt, width=width, height=height,
            upright_width=height if orientation in UPRIGHT_SWAPS else width,
            upright_height=width if orientation in UPRIGHT_SWAPS else height,
            orientation=orientation if 1 <= orientation <= 8 else 1,
            pages=pages, bands=image.bands, interpretation=str(image.interpretation),
            has_icc_profile="icc-profile-data" in fields,
        )
    except pyvips.Error as exc:
        first_line = str(exc).strip().splitlines()[-1] if str(exc).strip() else "unreadable header"
        raise ProbeError("unreadable", f"The image header cannot be read: {first_line}") from exc
    if width * height > max_pixels:
        raise ProbeError("too-many-pixels", f"The image has {width} x {height} = {width * height:,} pixels, "
                         f"more than the limit of {max_pixels:,}. Send a smaller image.")
    _check_trailer(path, fmt)
    if fmt == "heif" and not heif_decodable(path):
        raise ProbeError("unsupported-format", HEIF_UNDECODABLE)
    return info
