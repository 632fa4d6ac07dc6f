"""Which libvips interpolator enlarges photos best? (a command, not a test)

    .venv/bin/python bench/upscale.py

A detailed image (multi-scale texture, sensor noise, hard-edged shapes and text, a zone plate
for fine frequencies) is reduced by 1.5x, 2x, 3x and 4x with Lanczos-3 and enlarged back with each of
libvips' own interpolators; the result is compared with the original: PSNR (higher is better),
halo (mean overshoot beyond the local 3x3 range of the original, in 8-bit levels: bright/dark
rims along edges; lower is better) and CPU seconds per output megapixel. Then the same with the
unsharp mask render/resample.py applies with the enlargement (`+usm`).

The choice (render/resample.py INTERPOLATOR) is bicubic; see the docstring there for why.
`--render` also enlarges through the render's own scale step (render.steps.scale: the strip cache
before `affine`) and checks its pixels equal the bare `affine`'s: the cache changes
the CPU, not the picture.
"""

from __future__ import annotations

import math
import resource
import sys
from pathlib import Path

import pyvips

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from render.resample import sharpen  # noqa: E402

INTERPOLATORS = ["bilinear", "bicubic", "lbb", "nohalo"]
FACTORS = [1.5, 2, 3, 4]  # 1.5x: poster-50x70 from a 24 MP photo (1.49x)
SIZE = (1200, 900)
BORDER = 12


def detailed(width: int, height: int) -> pyvips.Image:
    """A test image with the kinds of detail photos have."""
    bands = []
    for seed in range(3):
        coarse = pyvips.Image.perlin(width, height, cell_size=160, seed=seed) * 70
        medium = pyvips.Image.perlin(width, height, cell_size=24, seed=seed + 10) * 30
        fine = pyvips.Image.perlin(width, height, cell_size=5, seed=seed + 20) * 12
        noise = pyvips.Image.gaussnoise(width, height, sigma=3, seed=seed)
        bands.append(coarse + medium + fine + noise + 128)
    image = bands[0].bandjoin(bands[1:])
    # hard-edged shapes: a dark disc and a bright bar (halo shows along them)
    xyz = pyvips.Image.xyz(width, height)
    disc = ((xyz[0] - width * 0.7) ** 2 + (xyz[1] - height * 0.3) ** 2) < (height * 0.15) ** 2
    image = disc.ifthenelse([25, 30, 40], image)
    bar = (
        (xyz[0] > width * 0.1) & (xyz[0] < width * 0.4) & (xyz[1] > height * 0.62) & (xyz[1] < height * 0.68)
    )
    image = bar.ifthenelse([245, 240, 230], image)
    # text
    text = pyvips.Image.text("Printline 0123 Ag", dpi=220, font="sans bold")
    text = text.embed(int(width * 0.05), int(height * 0.08), width, height)
    image = (text > 128).ifthenelse([10, 10, 10], image)
    # zone plate in the lower right quarter
    zw, zh = width // 3, height // 3
    zone = pyvips.Image.zone(zw, zh) * 100 + 128
    zone = zone.bandjoin([zone, zone]).embed(width - zw, height - zh, width, height)
    mask = pyvips.Image.black(zw, zh).embed(width - zw, height - zh, width, height, background=[1]) > 0
    image = mask.ifthenelse(image, zone)
    return image.cast("uchar").copy(interpretation="srgb").copy_memory()


def enlarge(small: pyvips.Image, factor: float, interpolator: str, size: tuple[int, int]) -> pyvips.Image:
    """Edge-aligned enlargement to exactly `size` (the same mapping as render/resample.py)."""
    sx, sy = size[0] / small.width, size[1] / small.height
    return small.affine(
        [sx, 0, 0, sy],
        interpolate=pyvips.Interpolate.new(interpolator),
        oarea=[0, 0, size[0], size[1]],
        odx=0.5 * sx - 0.5,
        ody=0.5 * sy - 0.5,
        extend="copy",
    )


def psnr(a: pyvips.Image, b: pyvips.Image) -> float:
    w, h = a.width - 2 * BORDER, a.height - 2 * BORDER
    diff = a.crop(BORDER, BORDER, w, h).cast("float") - b.crop(BORDER, BORDER, w, h).cast("float")
    mse = (diff * diff).avg()
    return 10 * math.log10(255 * 255 / mse) if mse > 0 else float("inf")


def halo(original: pyvips.Image, result: pyvips.Image) -> float:
    """Mean amount by which the result leaves the original's local 3x3 range."""
    w, h = original.width - 2 * BORDER, original.height - 2 * BORDER
    o = original.crop(BORDER, BORDER, w, h)
    r = result.crop(BORDER, BORDER, w, h).cast("float")
    hi = o.rank(3, 3, 8).cast("float")
    lo = o.rank(3, 3, 0).cast("float")
    over = (r > hi).ifthenelse(r - hi, 0)
    under = (r < lo).ifthenelse(lo - r, 0)
    return (over + under).avg()


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def same_as_render(original: pyvips.Image) -> None:
    """The render's enlargement (strip cache + resample) gives the bare affine's pixels."""
    from render.resample import resample
    from render.steps.scale import strips

    for factor in FACTORS:
        small = sharpen(original.resize(1 / factor, kernel="lanczos3").copy_memory(), factor)
        sx, sy = SIZE[0] / small.width, SIZE[1] / small.height
        bare = resample(small, 0.0, 0.0, sx, sy, *SIZE)[0]
        cached = resample(strips(small, sy), 0.0, 0.0, sx, sy, *SIZE)[0]
        diff = (bare.cast("int") - cached.cast("int")).abs().max()
        print(f"{factor}x: render's enlargement vs bare affine, largest difference {diff:.0f} levels")
        assert diff == 0


def main() -> None:
    pyvips.cache_set_max(0)
    original = detailed(*SIZE)
    rows = []
    for factor in FACTORS:
        small = original.resize(1 / factor, kernel="lanczos3").copy_memory()
        for interpolator in INTERPOLATORS:
            for usm in (False, True):
                start = cpu()
                result = enlarge(sharpen(small, factor) if usm else small, factor, interpolator, SIZE)
                result = result.copy_memory()
                seconds = (cpu() - start) / (SIZE[0] * SIZE[1] / 1e6)
                name = interpolator + ("+usm" if usm else "")
                rows.append((factor, name, psnr(original, result), halo(original, result), seconds))
    if "--render" in sys.argv:
        same_as_render(original)
    print("| factor | interpolator | PSNR dB | halo (levels) | CPU s / MP |")
    print("|---|---|---|---|---|")
    for factor, name, p, h, s in rows:
        print(f"| {factor}x | {name} | {p:.2f} | {h:.3f} | {s:.3f} |")


if __name__ == "__main__":
    main()
