"""Header probe of an upload: what the API may check without rendering.

The same checks as the render's `inspect`, through the same function (`render.source.read_header`):
the magic bytes against the formats we take (before libvips parses anything), pixels, pages, decode
bytes, bands and sample format from the header, then whether the data is complete
(`render.integrity`: a JPEG is decoded at 1/8 scale, a PNG's chunks are walked). Refusals are
`ProbeError`s with a stable code. Not `inspect` itself: the API wants the decode cost and per-call
limits, and no ICC profile bytes or name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from render import limits as _limits
from render.errors import InputRefused
from render.source import read_header, upright_size


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
        image, header = read_header(path, limits)
        has_icc = "icc-profile-data" in image.get_fields()
    except InputRefused as exc:
        raise ProbeError(exc.code, str(exc)) from exc
    upright_width, upright_height = upright_size(header.width, header.height, header.orientation)
    return ImageInfo(
        format=header.format, width=header.width, height=header.height,
        upright_width=upright_width, upright_height=upright_height,
        orientation=header.orientation, pages=header.pages, bands=header.bands,
        interpretation=header.interpretation, has_icc_profile=has_icc,
        decode_bytes=_limits.decode_cost(header).total,
    )
