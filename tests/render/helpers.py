"""Shared helpers of the render tests: small geometries, requests, images and the LittleCMS oracle."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pyvips

from profiles.catalogue import BleedStrategy, Intent, Preflight
from profiles.icc import OUTPUT_PROFILES, OutputProfile
from render.geometry import Edges, SlotGeometry
from render.pipeline import RenderRequest

PX_PPI = 25.4  # at this resolution one millimetre is one pixel: geometry in tests reads as pixels
FOGRA39 = OUTPUT_PROFILES["FOGRA39"]
FOGRA47 = OUTPUT_PROFILES["FOGRA47"]


def px_geometry(width: int, height: int, bleed: float = 0.0, *, safe: float = 0.0) -> SlotGeometry:
    """A slot of width x height raster pixels (plus `bleed` pixels per side)."""
    return SlotGeometry(
        width_mm=width, height_mm=height, bleed=Edges.uniform(bleed), ppi=PX_PPI, safe_mm=safe
    )


def request(
    geometry: SlotGeometry,
    *,
    profile: OutputProfile = FOGRA39,
    intent: Intent = Intent.relative,
    bleed: BleedStrategy = BleedStrategy.image,
    **kw,
) -> RenderRequest:
    return RenderRequest(
        geometry=geometry,
        profile=profile,
        intent=intent,
        bleed=bleed,
        preflight=Preflight(target_ppi=300, warn_ppi=150, fail_ppi=80),
        **kw,
    )


def patches(
    colours: list[tuple[int, ...]], size: int = 40, *, fmt: str = "uchar", interpretation: str = "srgb"
) -> pyvips.Image:
    """A row of flat square patches, one per colour."""
    tiles = [(pyvips.Image.black(size, size, bands=len(c)) + list(c)).cast(fmt) for c in colours]
    return pyvips.Image.arrayjoin(tiles, across=len(tiles)).copy(interpretation=interpretation)


def patch_means(image: pyvips.Image, count: int, size: int = 40) -> list[list[float]]:
    """Mean of each patch's centre (half its size), per band."""
    out = []
    for i in range(count):
        inner = image.crop(i * size + size // 4, size // 4, size // 2, size // 2)
        out.append([inner[b].avg() for b in range(image.bands)])
    return out


def with_profile(image: pyvips.Image, profile: bytes | None) -> pyvips.Image:
    image = image.copy()
    if profile is not None:
        image.set_type(pyvips.GValue.blob_type, "icc-profile-data", profile)
    return image


def builtin_profile(name: str) -> bytes:
    """The bytes of one of libvips' built-in profiles ('srgb', 'p3', 'cmyk')."""
    seed = (pyvips.Image.black(1, 1, bands=3) + 128).cast("uchar").copy(interpretation="srgb")
    return bytes(seed.icc_transform(name, input_profile="srgb").get("icc-profile-data"))


def transicc(
    exe: str,
    in_profile: str,
    out_profile: Path,
    values: list[tuple[float, ...]],
    *,
    intent: int = 1,
    bpc: bool = True,
) -> list[list[float]]:
    """LittleCMS's own answer in transicc's units: RGB/grey 0-255 (fractions allowed, so 16-bit values
    are given as v * 255 / 65535), CMYK in %."""
    args = [exe, f"-i{in_profile}", f"-o{out_profile}", f"-t{intent}", "-n"]
    if bpc:
        args.append("-b")
    text = "\n".join(" ".join(f"{v:.6f}" for v in row) for row in values) + "\n"
    done = subprocess.run(args, input=text, capture_output=True, text=True, check=True)
    rows = [[float(v) for v in line.split()] for line in done.stdout.splitlines() if line.strip()]
    assert len(rows) == len(values), done.stdout + done.stderr
    return rows


def read_cmyk(path: Path) -> pyvips.Image:
    """The print raster as CMYK 0-255 numbers (libvips undoes the Adobe inversion of CMYK JPEGs)."""
    image = pyvips.Image.new_from_file(str(path))
    assert image.bands == 4 and image.interpretation == "cmyk"
    return image


def asymmetric_rgb(width: int, height: int) -> pyvips.Image:
    """Asymmetric content: ramps, a coarse checker (a photo's detail scale, not near the output's
    Nyquist limit, where JPEG shrink-on-load depends on the DCT block grid) and a dark block."""
    x = pyvips.Image.xyz(width, height)
    red = x[0] * (255.0 / max(width - 1, 1))
    green = x[1] * (255.0 / max(height - 1, 1))
    cell = max(width, height) // 6
    blue = ((x[0] // cell + x[1] // cell) % 2) * 200 + 27
    image = red.bandjoin([green, blue]).cast("uchar").copy(interpretation="srgb")
    block = pyvips.Image.black(width // 4, height // 5, bands=3)
    return image.insert(block, width // 10, height // 12).copy(interpretation="srgb")
