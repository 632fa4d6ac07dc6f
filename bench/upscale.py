"""Which enlargement keeps photos best? (a command, not a test)

    .venv/bin/python bench/upscale.py [--factors 1.1,1.25,1.5,2,3,4,6]

A detailed image (multi-scale texture, sensor noise, hard-edged shapes and text, a zone plate
for fine frequencies) is reduced by each factor with Lanczos-3 and enlarged back; the result is
compared with the original: PSNR (higher is better), halo (mean overshoot beyond the local 3x3
range of the original, in 8-bit levels: bright/dark rims along edges; lower is better) and CPU
seconds per output megapixel. Rows: libvips' own interpolators through `affine` (plain and with
the unsharp mask the bicubic used to get: 0.25-1.0 of the 3x3 binomial form, rising with the
factor, `+usm`), and the render's enlargement (render.resample: the separable Lanczos-3 of
render.enlarge after its quarter-amount unsharp mask). The last column is the render's PSNR
minus the bicubic+usm's: the render must not fall below it at any factor (tests/bench/test_upscale.py
checks the same at 1.5x, 2x and 3x).
"""

from __future__ import annotations

import math
import resource
import sys
from pathlib import Path

import pyvips

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

INTERPOLATORS = ["bilinear", "bicubic", "lbb", "nohalo"]
FACTORS = [1.1, 1.25, 1.5, 2, 3, 4, 6]  # 1.5x: poster-50x70 from a 24 MP photo (1.49x)
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


def old_sharpen(image: pyvips.Image, factor: float) -> pyvips.Image:
    """The unsharp mask the bicubic enlargement had, and still has where the render keeps it (16-bit,
    beyond 8x): (1 + a) δ - a G, G the 3x3 binomial, a in quarters rising from 0.25 at 1.05x to 1.0
    (through render.convmask, so libvips' wrong quarter mask does not count against it)."""
    from render.resample import INTERPOLATOR, sharpen

    return sharpen(image, factor, INTERPOLATOR)


def render_enlarge(small: pyvips.Image, size: tuple[int, int]) -> pyvips.Image:
    """The render's enlargement: its unsharp mask, then render.resample.resample."""
    from render.resample import resample, sharpen

    sx, sy = size[0] / small.width, size[1] / small.height
    return resample(sharpen(small, max(sx, sy)), 0.0, 0.0, sx, sy, *size)[0]


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


def compare(original: pyvips.Image, factor: float) -> dict[str, tuple[float, float, float]]:
    """name: (PSNR dB, halo levels, CPU s per output MP) of every way at one factor."""
    small = original.resize(1 / factor, kernel="lanczos3").copy_memory()
    ways = {name: (lambda n=name: enlarge(small, factor, n, SIZE)) for name in INTERPOLATORS}
    ways |= {f"{name}+usm": (lambda n=name: enlarge(old_sharpen(small, factor), factor, n, SIZE))
             for name in INTERPOLATORS}
    ways["render"] = lambda: render_enlarge(small, SIZE)
    rows = {}
    for name, way in ways.items():
        start = cpu()
        result = way().copy_memory()
        seconds = (cpu() - start) / (SIZE[0] * SIZE[1] / 1e6)
        rows[name] = (psnr(original, result), halo(original, result), seconds)
    return rows


def main() -> None:
    pyvips.cache_set_max(0)
    factors = FACTORS
    if "--factors" in sys.argv:
        factors = [float(f) for f in sys.argv[sys.argv.index("--factors") + 1].split(",")]
    original = detailed(*SIZE)
    names = [*INTERPOLATORS, *(f"{n}+usm" for n in INTERPOLATORS), "render"]
    print("PSNR dB / halo levels; CPU s per output MP in the last row of each factor\n")
    print("| factor | " + " | ".join(names) + " | render - bicubic+usm |")
    print("|---|" + "---|" * (len(names) + 1))
    for factor in factors:
        rows = compare(original, factor)
        cells = [f"{rows[n][0]:.2f} / {rows[n][1]:.2f}" for n in names]
        gain = rows["render"][0] - rows["bicubic+usm"][0]
        print(f"| {factor}x | " + " | ".join(cells) + f" | {gain:+.3f} dB |")
        print("| CPU | " + " | ".join(f"{rows[n][2]:.3f}" for n in names) + " | |")


if __name__ == "__main__":
    main()
