"""CPU per print file: printline's render against the Pillow + ImageCms way, side by side in one run.

    .venv/bin/python bench/cpu.py [--product poster-50x70] [--mp 24] [--photos 2] [--runs 3]
                                  [--variants pillow,cli,item,...] [--concurrency 1,2,4]

Every variant renders the same job (poster-50x70 from 24 MP photos: FOGRA39, relative colorimetric
+ BPC, CMYK JPEG q95 4:4:4 in a PDF) from the same `--photos` distinct photos; the variants take
turns run by run. In-process variants are timed with `resource.getrusage(RUSAGE_SELF)` user + sys
CPU seconds around each run (every thread counts: libvips' workers, LittleCMS, the JPEG codec),
imports and profile caches paid by a warm-up run that does not count. `cli` is the real command,
one `printline render --image P1 --image P2 ...` batch per run in a child process (its CPU from
`os.wait4`, start-up included, spread over the batch's files). The table gives CPU seconds per
print file (median and best of the runs) and the ratio to the Pillow way's median.

Variants:

* `pillow`: bench/render.py's Pillow way (exif_transpose, LANCZOS resize with the crop box,
  ImageCms FOGRA39 relative + BPC, CMYK JPEG q95 4:4:4, bytes into a PDF): the print file alone.
* `cli`: `printline render` as a batch (print file, preview, overlay, report; start-up included).
* `item`: `printfiles.build.build_item` in this process, what `printline render` runs per file.
* `slot`: `render.pipeline.render_slot` (print raster, preview, overlay, measurements) + PDF.
* bare rasters (no preview, no report), each with the unsharp mask unless named:
  `separable` is the render's order and method (ICC on the 3 RGB bands at source size, then the
  separable Lanczos-3 enlargement of render.enlarge on the 4 CMYK bands); `cmyk-affine` enlarges by
  the bicubic `affine` instead (the render before, with its strip cache); `rgb-separable` and
  `rgb-affine` enlarge the 3 RGB bands before the transform; `sharpen-cmyk` sharpens the CMYK after
  the transform instead of the RGB before it; `jpeg-optimize` / `jpeg-trellis` add optimize_coding /
  trellis quantisation to the encoder; `plain` is `separable` without the unsharp mask.
* `--concurrency` runs the libvips variants at each libvips thread count (`cli` via VIPS_CONCURRENCY).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bench_render():
    spec = importlib.util.spec_from_file_location("bench_render", ROOT / "bench" / "render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BENCH = _bench_render()


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def item(product_id: str, photo: Path, out: Path) -> None:
    """What `printline render` does for one image (print file, preview, overlay, report)."""
    from printfiles.build import PrintMeta, build_item
    from profiles.catalogue import load_catalogue
    from vocab.spec import ImageRef, ItemSpec

    catalogue = load_catalogue()
    product = catalogue.get(product_id)
    spec = ItemSpec(product=product_id, image=ImageRef(upload_id="image"))
    meta = PrintMeta(brand=product.brand, order_ref="bench", item_ref="1", job_id="bench", version=1,
                     created_at=datetime(2026, 1, 1, tzinfo=UTC))
    build_item(spec, product, {"image": photo}, out, meta, printer=catalogue.printer(product.printer))


def _centred(image, width: int, height: int) -> tuple[float, float, float, float]:
    """x0, y0, crop width and height of the centred crop of the raster's aspect."""
    aspect = width / height
    if image.width / image.height > aspect:
        cw, ch = image.height * aspect, float(image.height)
    else:
        cw, ch = float(image.width), image.width / aspect
    return (image.width - cw) / 2, (image.height - ch) / 2, cw, ch


def raster(product_id: str, photo: Path, out: Path, *, order: str = "cmyk", method: str = "separable",
           sharpen: str | None = "rgb", jpeg: dict | None = None) -> None:
    """The bare print raster of a centred `image`-bleed crop, and the PDF around it.

    `order`: enlarge the CMYK after the ICC transform or the RGB before it; `method`: the render's
    separable Lanczos-3 (render.enlarge) or the bicubic `affine` it replaced (with the strip cache
    it had); `sharpen`: the unsharp mask on the RGB before the transform, on the CMYK after it, or
    none."""
    import pyvips

    from profiles.catalogue import load_catalogue
    from render import enlarge, resample
    from render.geometry import slot_geometry

    product = load_catalogue().get(product_id)
    geometry = slot_geometry(product)
    width, height = geometry.pixel_size()
    image = pyvips.Image.new_from_file(str(photo), access="sequential")
    x0, y0, cw, ch = _centred(image, width, height)
    scale = width / cw

    def icc(im: pyvips.Image) -> pyvips.Image:
        return im.icc_transform(str(product.profile.path), input_profile="srgb", intent="relative",
                                black_point_compensation=True, depth=8)

    def enlarge_(im: pyvips.Image) -> pyvips.Image:
        if method == "separable":
            return enlarge.enlarge(im, x0, y0, scale, scale, width, height)
        return resample._affine(enlarge._held(im, scale), x0, y0, scale, scale, width, height, "copy", None)

    if sharpen == "rgb":
        image = resample.sharpen(image, scale)
    if order == "rgb":
        cmyk = icc(enlarge_(image))
    else:
        cmyk = icc(image)
        cmyk = enlarge_(resample.sharpen(cmyk, scale) if sharpen == "cmyk" else cmyk)
    path = out / "print.jpg"
    cmyk.jpegsave(str(path), Q=95, subsample_mode="off", keep=pyvips.enums.ForeignKeep.NONE, **(jpeg or {}))
    BENCH.write_pdf(path, width, height, geometry.total_mm, out / "print.pdf", adobe_inverted=True)


def slot(product_id: str, photo: Path, out: Path) -> None:
    BENCH.ours(product_id, photo, out)


def cli_batch(product_id: str, photos: list[Path], out: Path, threads: int | None) -> float:
    """CPU seconds (user + sys, start-up included) of one `printline render` batch of `photos`."""
    cmd = [str(ROOT / ".venv" / "bin" / "printline"), "render", "--product", product_id, "--out", str(out)]
    for photo in photos:
        cmd += ["--image", str(photo)]
    env = {**os.environ, **({"VIPS_CONCURRENCY": str(threads)} if threads else {})}
    with tempfile.TemporaryFile() as said:
        proc = subprocess.Popen(cmd, stdout=said, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            said.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed:\n{said.read().decode(errors='replace')}")
    return usage.ru_utime + usage.ru_stime


CLI = "cli"
VARIANTS: dict[str, tuple[Callable[..., None] | None, dict, bool]] = {  # name: (function, options, libvips)
    "pillow": (BENCH.pillow, {}, False),
    CLI: (None, {}, True),
    "item": (item, {}, True),
    "slot": (slot, {}, True),
    "separable": (raster, {}, True),
    "cmyk-affine": (raster, {"method": "affine"}, True),
    "rgb-separable": (raster, {"order": "rgb"}, True),
    "rgb-affine": (raster, {"order": "rgb", "method": "affine"}, True),
    "sharpen-cmyk": (raster, {"sharpen": "cmyk"}, True),
    "jpeg-optimize": (raster, {"jpeg": {"optimize_coding": True}}, True),
    "jpeg-trellis": (raster, {"jpeg": {"trellis_quant": True}}, True),
    "plain": (raster, {"sharpen": None}, True),
}
DEFAULT = "pillow,cli,item,separable,cmyk-affine,rgb-separable,rgb-affine,sharpen-cmyk,plain"


def _cases(names: str, counts: list[int | None]) -> list[tuple[str, str, int | None]]:
    cases = []
    for name in names.split(","):
        _, _, vips = VARIANTS[name]
        for count in counts if vips else [None]:
            cases.append((f"{name}@{count}" if count and len(counts) > 1 else name, name, count))
    return cases


def _run_case(name: str, count: int | None, default: int, product: str,
              photos: list[Path]) -> tuple[float, float]:
    """CPU and wall seconds per print file of one run of a variant over the photos."""
    import pyvips

    fn, options, _ = VARIANTS[name]
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp:
        t0 = time.perf_counter()
        if name == CLI:
            cpu = cli_batch(product, photos, Path(tmp), count)
        else:
            pyvips.concurrency_set(count or default)
            c0 = cpu_seconds()
            for i, photo in enumerate(photos):
                (Path(tmp) / str(i)).mkdir()
                fn(product, photo, Path(tmp) / str(i), **options)
            cpu = cpu_seconds() - c0
            pyvips.concurrency_set(default)
        wall = time.perf_counter() - t0
    return cpu / len(photos), wall / len(photos)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--product", default="poster-50x70")
    parser.add_argument("--mp", type=int, default=24, choices=sorted(BENCH.PHOTO_SIZES))
    parser.add_argument("--photos", type=int, default=2, help="distinct photos per run (a batch for `cli`)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--variants", default=DEFAULT)
    parser.add_argument("--concurrency", default="", help="libvips thread counts, e.g. 1,2,4 (default: ours)")
    args = parser.parse_args()

    import pyvips

    from render.pipeline import _configure

    _configure()
    photos = [BENCH.make_photo(args.mp, i) for i in range(args.photos)]
    default = pyvips.concurrency_get()
    counts = [int(c) for c in args.concurrency.split(",") if c] or [None]
    cases = _cases(args.variants, counts)
    cpu: dict[str, list[float]] = {label: [] for label, *_ in cases}
    wall: dict[str, list[float]] = {label: [] for label, *_ in cases}
    load0 = os.getloadavg()
    for run in range(args.runs + 1):  # run 0 warms up (imports, profile caches) and does not count
        for label, name, count in cases:
            if run == 0 and name == CLI:
                continue
            c, w = _run_case(name, count, default, args.product, photos)
            if run:
                cpu[label].append(c)
                wall[label].append(w)
                print(f"run {run} {label}: {c:.2f} CPU s, {w:.2f} s per file", file=sys.stderr, flush=True)
    load1 = os.getloadavg()
    base = statistics.median(cpu["pillow"]) if cpu.get("pillow") else None
    print(f"\n{args.product} from {args.mp} MP, {args.photos} photos x {args.runs} runs per variant, taking "
          f"turns (libvips threads: {default} unless named); load average {load0[0]:.1f} at the start, "
          f"{load1[0]:.1f} at the end\n")
    print("| variant | CPU s / print file (median) | best | wall s / file (median) | CPU vs Pillow |")
    print("|---|---|---|---|---|")
    for label, runs in cpu.items():
        med = statistics.median(runs)
        ratio = f"{med / base:.2f}x" if base else "-"
        print(f"| {label} | {med:.2f} | {min(runs):.2f} | {statistics.median(wall[label]):.2f} | {ratio} |")


if __name__ == "__main__":
    main()
