"""QA's zoomable soft proof: a Deep Zoom tile pyramid of each photo slot at full print resolution.

The print file holds each slot's raster as it goes to press (CMYK JPEG, bytes copied into the PDF);
this module reads those bytes back, converts them to sRGB through the print file's output profile
(the soft proof QA judges), and writes a Deep Zoom pyramid (`dzsave`, tiles of `tile_size` px without
overlap, level `levels - 1` is 1:1 print pixels) per slot, plus a small sRGB preview of the slot's
source photo for the "original" toggle. Files and values in, files and a manifest out; the worker
stores them (queues/proof_job.py), the API only serves them (api/proof.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyvips

TILE_SIZE = 512
TILE_QUALITY = 82
SOURCE_EDGE = 1600  # long edge of the source photo's preview


@dataclass(frozen=True)
class ProofSlot:
    """One slot's pyramid: its size at print resolution, the pyramid's shape, and where it sits (mm, from
    the page's MediaBox bottom-left, as in report.json) so the browser can draw trim, safe zone and folds."""

    index: int
    page: str
    slot: str
    upload_id: str
    width: int
    height: int
    tile_size: int
    overlap: int
    levels: int  # Deep Zoom levels 0 .. levels-1; the last is 1:1
    placed_mm: dict[str, float]
    trim_mm: dict[str, float]
    safe_mm: float
    fold_x_mm: float | None
    dzi: str  # file name of the descriptor, relative to the output folder
    tiles: str  # folder of the tiles, relative to the output folder
    source: str | None = None  # file name of the source photo's sRGB preview, when made


@dataclass(frozen=True)
class Proof:
    folder: Path
    slots: list[ProofSlot] = field(default_factory=list)

    def manifest(self) -> dict[str, Any]:
        return {"format": "jpg", "slots": [asdict(s) for s in self.slots]}

    def files(self) -> list[Path]:
        """Every file written, descriptor and source previews first."""
        out: list[Path] = []
        for slot in self.slots:
            out.append(self.folder / slot.dzi)
            if slot.source:
                out.append(self.folder / slot.source)
            out.extend(sorted(p for p in (self.folder / slot.tiles).rglob("*.jpg")))
        return out


def levels_for(width: int, height: int) -> int:
    """Deep Zoom's level count: halve until one pixel (level 0 is 1 x 1)."""
    return math.ceil(math.log2(max(width, height, 1))) + 1


def _rasters(printfile: Path) -> tuple[list[list[tuple[int, int, bytes]]], bytes | None]:
    """Per page, each DCT image XObject's (width, height, raw JPEG bytes); the output intent's ICC."""
    import pikepdf

    pages: list[list[tuple[int, int, bytes]]] = []
    with pikepdf.open(printfile) as pdf:
        icc = None
        intents = pdf.Root.get("/OutputIntents")
        if intents:
            profile = intents[0].get("/DestOutputProfile")
            icc = bytes(profile.read_bytes()) if profile is not None else None
        for page in pdf.pages:
            found = []
            for image in page.get_images().values():
                if image.get("/Filter") == "/DCTDecode":
                    found.append((int(image.Width), int(image.Height), bytes(image.read_raw_bytes())))
            pages.append(found)
    return pages, icc


def _srgb(raster: pyvips.Image, icc_path: Path | None) -> pyvips.Image:
    """The print file's raster as sRGB through the ICC profile the PDF itself carries (its output
    intent), so it proofs the file as sent; relative colorimetric with black point compensation, as
    `render.colour.soft_proof` makes preview.jpg, so QA's zoom and the preview show the same shadows."""
    if raster.interpretation == "cmyk" or raster.bands == 4:
        if icc_path is not None:
            raster = raster.icc_transform("srgb", input_profile=str(icc_path), intent="relative",
                                          embedded=False, black_point_compensation=True)
        else:
            raster = raster.colourspace("srgb")
    elif raster.interpretation not in ("srgb", "b-w"):
        raster = raster.colourspace("srgb")
    if raster.bands > 3:
        raster = raster.extract_band(0, n=3)
    return raster.cast("uchar")


def source_preview(source: Path, out: Path, edge: int = SOURCE_EDGE) -> Path:
    """A small upright sRGB JPEG of the customer's photo (first frame), long edge `edge`."""
    image = pyvips.Image.thumbnail(str(source), edge, height=edge, size="down", export_profile="srgb",
                                   import_profile="srgb")
    if image.hasalpha():
        image = image.flatten(background=[255, 255, 255])
    image.jpegsave(str(out), Q=85, strip=True)
    return out


def make_proof(printfile: Path, report: Mapping[str, Any], out_dir: Path, *,
               sources: Mapping[str, Path] | None = None, safe_mm: float = 5.0,
               folds: Mapping[str, float | None] | None = None, tile_size: int = TILE_SIZE,
               quality: int = TILE_QUALITY) -> Proof:
    """Pyramids of every slot of `printfile` (report.json's `slots` name them, in order) into `out_dir`:
    `s{n}.dzi`, `s{n}_files/{level}/{col}_{row}.jpg`, and `s{n}-source.jpg` when `sources` has the
    slot's upload. Raises on a print file it cannot read; the caller decides what that costs."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pages, icc = _rasters(printfile)
    icc_path = None
    if icc:
        icc_path = out_dir / ".output.icc"
        icc_path.write_bytes(icc)
    page_index = {p["name"]: p["index"] for p in report.get("pages", [])}
    trims = {p["name"]: p["trim"] for p in report.get("pages", [])}
    proof = Proof(folder=out_dir)
    for n, slot in enumerate(report.get("slots", [])):
        candidates = pages[page_index.get(slot["page"], 0)]
        size = (slot["raster_width_px"], slot["raster_height_px"])
        match = next((c for c in candidates if (c[0], c[1]) == size), None)
        if match is None:
            continue
        candidates.remove(match)
        raster = _srgb(pyvips.Image.new_from_buffer(match[2], "", access="sequential"), icc_path)
        base = f"s{n}"
        raster.dzsave(str(out_dir / base), tile_size=tile_size, overlap=0, depth="onepixel", layout="dz",
                      suffix=f".jpg[Q={quality},strip]")
        source_name = None
        upload = (sources or {}).get(slot["upload_id"])
        if upload is not None and Path(upload).exists():
            try:
                source_preview(Path(upload), out_dir / f"{base}-source.jpg")
                source_name = f"{base}-source.jpg"
            except pyvips.Error:
                source_name = None
        proof.slots.append(ProofSlot(
            index=n, page=slot["page"], slot=slot["slot"], upload_id=slot["upload_id"], width=raster.width,
            height=raster.height, tile_size=tile_size, overlap=0, levels=levels_for(raster.width, raster.height),
            placed_mm=dict(slot["placed"]), trim_mm=dict(trims.get(slot["page"], slot["placed"])),
            safe_mm=safe_mm, fold_x_mm=(folds or {}).get(slot["page"]), dzi=f"{base}.dzi",
            tiles=f"{base}_files", source=source_name))
    if icc_path is not None:
        icc_path.unlink(missing_ok=True)
    return proof
