"""Encode step: the raster written while libvips computes it, hashed (SHA-256) as it is written.

Baseline CMYK JPEG (or, for lossless products, raw interleaved CMYK rows as one zlib stream). The
PDF embeds these bytes as they are, and its placeholder and the preflight's known-ink lookup need
their hash: taking it on the way saves reading 50 MB back at the end of a render. libvips'
evaluation of the raster is watched here (progress, and the kill flag when the render is
cancelled); a stopped or failed write leaves no file behind.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Self

import pyvips

from render.steps.state import SlotState, Written

ENCODE_SHARE = 95.0  # of a slot's progress: the raster's evaluation is nearly all of a render


class HashingFile:
    """A file written through a libvips custom target, hashed on the way."""

    def __init__(self, path: Path) -> None:
        self._fh = path.open("wb")
        self._digest = hashlib.sha256()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()

    def write(self, chunk: bytes) -> int:
        self._fh.write(chunk)
        self._digest.update(chunk)
        return len(chunk)

    def target(self) -> pyvips.TargetCustom:
        target = pyvips.TargetCustom()
        target.on_write(self.write)
        return target

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


def _write_jpeg(cmyk: pyvips.Image, path: Path, quality: int) -> str:
    with HashingFile(path) as out:
        # no optimize_coding: libjpeg would then buffer every DCT coefficient of the raster (~400 MB)
        cmyk.write_to_target(
            out.target(),
            ".jpg",
            Q=quality,
            subsample_mode="off",
            interlace=False,
            keep=pyvips.enums.ForeignKeep.NONE,
        )
    return out.sha256


def _write_flate(cmyk: pyvips.Image, path: Path) -> str:
    """Raw interleaved CMYK rows, top-down, as one zlib stream, written while libvips computes."""
    compressor = zlib.compressobj(6)
    with HashingFile(path) as out:

        def on_write(chunk: bytes) -> int:
            out.write(compressor.compress(chunk))
            return len(chunk)

        target = pyvips.TargetCustom()
        target.on_write(on_write)
        cmyk.write_to_target(target, ".raw")
        out.write(compressor.flush())
    return out.sha256


def encode(state: SlotState) -> SlotState:
    """Raises pyvips.Error when libvips stops (a damaged source, or the kill flag); the file is removed."""
    request = state.request
    image = state.control.watch(state.image, "encode", upto=ENCODE_SHARE)
    lossless = request.lossless
    path = state.out_dir / f"{state.name}.{'flate' if lossless else 'jpg'}"
    try:
        digest = _write_flate(image, path) if lossless else _write_jpeg(image, path, request.jpeg_quality)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return replace(state, written=Written(path=path, encoding="Flate" if lossless else "DCT", sha256=digest))
