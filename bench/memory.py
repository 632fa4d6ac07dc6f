"""Peak memory of `printline render` for every product, every canvas wrap, 8- and 16-bit sources.

    .venv/bin/python bench/memory.py [--mp 24] [--depths 8,16] [--products all|ID,ID] [--runs 1]

Each render runs in its own process (`printline render --product P --image F --out DIR`, canvas
products once per wrap: image, mirror, colour); its peak RSS comes from `os.wait4`. Every peak is
compared with poster-50x70's from the same photo: the target is at most 1.2x (a print file's
memory must not grow with its size or its wrap). The 8-bit photo is bench/render.py's JPEG; the
16-bit one is the same pixels as a 16-bit TIFF (deflate), which libvips decodes row by row too.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WRAPS = ("image", "mirror", "colour")
LIMIT = 1.2


def _bench_render():
    spec = importlib.util.spec_from_file_location("bench_render", ROOT / "bench" / "render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench_render()


def photo(mp: int, depth: int) -> Path:
    jpeg = BENCH.make_photo(mp)
    if depth == 8:
        return jpeg
    import pyvips

    path = BENCH.CACHE / f"photo-{mp}mp-16bit.tif"
    if not path.exists():
        image = pyvips.Image.new_from_file(str(jpeg)).cast("ushort") * 257
        tmp = path.with_suffix(".tmp.tif")
        image.cast("ushort").copy(interpretation="rgb16").tiffsave(str(tmp), compression="deflate",
                                                                   predictor="horizontal")
        tmp.rename(path)
    return path


def peak(product: str, source: Path, wrap: str | None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `printline render`."""
    with tempfile.TemporaryDirectory(prefix="bench-mem-") as tmp:
        cmd = [str(ROOT / ".venv" / "bin" / "printline"), "render", "--product", product, "--image", str(source),
               "--out", tmp]
        if wrap:
            cmd += ["--wrap", wrap]
        wall, mb, _ = BENCH._run(cmd)
    return wall, mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mp", type=int, default=24, choices=sorted(BENCH.PHOTO_SIZES))
    parser.add_argument("--depths", default="8,16")
    parser.add_argument("--products", default="all")
    parser.add_argument("--runs", type=int, default=1, help="runs per case; the lowest peak counts")
    args = parser.parse_args()
    from profiles.catalogue import load_catalogue

    catalogue = load_catalogue()
    ids = sorted(catalogue.products) if args.products == "all" else args.products.split(",")
    rows, worst = [], 0.0
    for depth in (int(d) for d in args.depths.split(",")):
        source = photo(args.mp, depth)
        base = min(peak("poster-50x70", source, None)[1] for _ in range(args.runs))
        for pid in ids:
            product = catalogue.get(pid)
            for wrap in WRAPS if product.canvas is not None else (None,):
                runs = [peak(pid, source, wrap) for _ in range(args.runs)]
                wall, mb = min(r[0] for r in runs), min(r[1] for r in runs)
                ratio = mb / base
                worst = max(worst, ratio)
                rows.append((depth, pid, product.brand, wrap or "-", wall, mb, ratio))
                print(f"{depth}-bit {pid} {wrap or '-'}: {mb:.0f} MB ({ratio:.2f}x), {wall:.1f} s",
                      file=sys.stderr, flush=True)
    print(f"\n{args.mp} MP photo; poster-50x70 is 1.00x; target <= {LIMIT}x\n")
    print("| source | product | brand | wrap | wall | peak | vs poster-50x70 |")
    print("|---|---|---|---|---|---|---|")
    for depth, pid, brand, wrap, wall, mb, ratio in rows:
        flag = "" if ratio <= LIMIT else " **over**"
        print(f"| {depth}-bit | {pid} | {brand} | {wrap} | {wall:.1f} s | {mb:.0f} MB | {ratio:.2f}x{flag} |")
    print(f"\nworst: {worst:.2f}x")


if __name__ == "__main__":
    main()
