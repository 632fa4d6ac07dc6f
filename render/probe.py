"""Header probe of an upload: what the API may check without rendering.

The same checks as the render's `inspect` (`render.source.open_checked`): the magic bytes against
the formats we take (before libvips parses anything), pixels, pages, decode bytes, bands and
sample format from the header, then whether the data is complete (`render.integrity`: a JPEG is
decoded at 1/8 scale, a PNG's chunks are walked). Refusals are `ProbeError`s with a stable code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from render import limits as _limits
from render.errors import InputRefused
from render.integrity import check_complete
from render.source import FORMATS, open_checked

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
    decode_bytes: int = 0  # the decode budget this image uses (render.limits.Cost.total)


def probe_image(path: Path, *, max_pixels: int | None = None, max_decode_bytes: int | None = None,
                max_pages: int | None = None) -> ImageInfo:
    """Probe the image at `path`; raise ProbeError with a reason a person can act on.

    Limits left None come from the process-wide `render.limits.current()`."""
    base = _limits.current()
    limits = _limits.Limits(
        max_pixels=base.max_pixels if max_pixels is None else max_pixels,
        max_decode_bytes=base.max_decode_bytes if max_decode_bytes is None else max_decode_bytes,
        max_pages=base.max_pages if max_pages is None else max_pages,
    )
    try:
        image, header = open_checked(path, limits)
        check_complete(path, header.format)
        has_icc = "icc-profile-data" in image.get_fields()
    except InputRefused as exc:
        raise ProbeError(exc.code, str(exc)) from exc
    swapped = header.orientation in UPRIGHT_SWAPS
    return ImageInfo(
        format=header.format, width=header.width, height=header.height,
        upright_width=header.height if swapped else header.width,
        upright_height=header.width if swapped else header.height,
        orientation=header.orientation, pages=header.pages, bands=header.bands,
        interpretation=header.interpretation, has_icc_profile=has_icc,
        decode_bytes=_limits.decode_cost(header).total,
    )
