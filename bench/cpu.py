"""CPU per print file: printline's render against the Pillow + ImageCms way, side by side in one process.

    .venv/bin/python bench/cpu.py [--product poster-50x70] [--mp 24] [--runs 3]
                                  [--variants pillow,item,slot,...] [--concurrency 1,2,4]

Both ways render the same job from the same photo (poster-50x70 from a 24 MP photo: FOGRA39,
relative colorimetric + BPC, CMYK JPEG q95 4:4:4 in a PDF) in a loop, taking turns, and
`resource.getrusage(RUSAGE_SELF)` user + sys CPU seconds are read around each run (every thread of
the process counts: libvips' workers, LittleCMS, the JPEG codec). The median and the best of the
runs are printed per variant, and the ratio to the Pillow way's median.

Variants:

* `pillow`: bench/render.py's Pillow way (exif_transpose, LANCZOS resize with the crop box,
  ImageCms FOGRA39 relative + BPC, CMYK JPEG q95 4:4:4, bytes into a PDF): the print file alone.
* `item`: `printfiles.build.build_item`, what `printline render` runs (print file, preview,
  overlay, report with preflight).
* `slot`: `render.pipeline.render_slot` (print raster, preview, overlay, measurements) + PDF.
* `cmyk-affine`, `rgb-affine`, `cmyk-resize`, `rgb-resize`: the bare raster (no preview, no
  report) with the enlargement done on 4 CMYK bands after the ICC transform (today's order) or on
  3 RGB bands before it, by `affine` + bicubic (today's) or `resize(kernel="cubic")`; each with the
  unsharp mask. `plain` is `cmyk-affine` without the unsharp mask (the plain pyvips pipeline).
* `--concurrency` runs the libvips variants at each libvips thread count (`pyvips.concurrency_set`).
"""

from __future__ import annotations

import argparse
import importlib.util
import resource
import statistics
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


def raster(product_id: str, photo: Path, out: Path, *, order: str = "cmyk", method: str = "affine",
           sharpen: bool = True) -> None:
    """The bare print raster of a centred `image`-bleed crop, and the PDF around it."""
    import pyvips

    from profiles.catalogue import load_catalogue
    from render import resample
    from render.geometry import slot_geometry

    product = load_catalogue().get(product_id)
    geometry = slot_geometry(product)
    width, height = geometry.pixel_size()
    image = pyvips.Image.new_from_file(str(photo), access="sequential")
    aspect = width / height
    if image.width / image.height > aspect:
        cw, ch = image.height * aspect, float(image.height)
    else:
        cw, ch = float(image.width), image.width / aspect
    x0, y0 = (image.width - cw) / 2, (image.height - ch) / 2
    scale = width / cw

    def icc(im: pyvips.Image) -> pyvips.Image:
        return im.icc_transform(str(product.profile.path), input_profile="srgb", intent="relative",
                                black_point_compensation=True, depth=8)

    def enlarge(im: pyvips.Image) -> pyvips.Image:
        if sharpen:
            im = resample.sharpen(im, scale)
        if method == "affine":
            return resample.resample(im, x0, y0, scale, scale, width, height)[0]
        ix, iy = int(x0), int(y0)
        im = im.crop(ix, iy, min(im.width - ix, round(cw) + 2), min(im.height - iy, round(ch) + 2))
        out_im = im.resize(scale, kernel="cubic")
        return out_im.embed(0, 0, width, height, extend="copy").crop(0, 0, width, height)

    cmyk = icc(enlarge(image)) if order == "rgb" else enlarge(icc(image))
    jpeg = out / "print.jpg"
    cmyk.jpegsave(str(jpeg), Q=95, subsample_mode="off", keep=pyvips.enums.ForeignKeep.NONE)
    BENCH.write_pdf(jpeg, width, height, geometry.total_mm, out / "print.pdf", adobe_inverted=True)


def slot(product_id: str, photo: Path, out: Path) -> None:
    BENCH.ours(product_id, photo, out)


VARIANTS: dict[str, tuple[Callable[..., None], dict, bool]] = {  # name: (function, options, uses libvips)
    "pillow": (BENCH.pillow, {}, False),
    "item": (item, {}, True),
    "slot": (slot, {}, True),
    "cmyk-affine": (raster, {"order": "cmyk", "method": "affine"}, True),
    "rgb-affine": (raster, {"order": "rgb", "method": "affine"}, True),
    "cmyk-resize": (raster, {"order": "cmyk", "method": "resize"}, True),
    "rgb-resize": (raster, {"order": "rgb", "method": "resize"}, True),
    "plain": (raster, {"order": "cmyk", "method": "affine", "sharpen": False}, True),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--product", default="poster-50x70")
    parser.add_argument("--mp", type=int, default=24, choices=sorted(BENCH.PHOTO_SIZES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--variants", default="pillow,item,cmyk-affine,rgb-affine,cmyk-resize,plain")
    parser.add_argument("--concurrency", default="", help="libvips thread counts, e.g. 1,2,4 (default: ours)")
    args = parser.parse_args()

    import pyvips

    from render.pipeline import _configure

    _configure()
    photo = BENCH.make_photo(args.mp)
    default = pyvips.concurrency_get()
    counts = [int(c) for c in args.concurrency.split(",") if c] or [default]
    cases = []
    for name in args.variants.split(","):
        fn, options, vips = VARIANTS[name]
        for count in counts if vips else [None]:
            cases.append((f"{name}@{count}" if count is not None and len(counts) > 1 else name, fn, options, count))
    # one warm-up of each (imports, profile caches) that does not count
    cpu: dict[str, list[float]] = {label: [] for label, *_ in cases}
    wall: dict[str, list[float]] = {label: [] for label, *_ in cases}
    for run in range(args.runs + 1):
        for label, fn, options, count in cases:
            pyvips.concurrency_set(count or default)
            with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp:
                c0, t0 = cpu_seconds(), time.perf_counter()
                fn(args.product, photo, Path(tmp), **options)
                c1, t1 = cpu_seconds(), time.perf_counter()
            if run:
                cpu[label].append(c1 - c0)
                wall[label].append(t1 - t0)
                print(f"run {run} {label}: {c1 - c0:.2f} CPU s, {t1 - t0:.2f} s", file=sys.stderr, flush=True)
    pyvips.concurrency_set(default)
    base = statistics.median(cpu["pillow"]) if cpu.get("pillow") else None
    print(f"\n{args.product} from {args.mp} MP, {args.runs} runs each, one process "
          f"(libvips threads: {default} unless named)\n")
    print("| variant | CPU s median | CPU s best | wall s median | CPU vs Pillow |")
    print("|---|---|---|---|---|")
    for label, runs in cpu.items():
        med = statistics.median(runs)
        ratio = f"{med / base:.2f}x" if base else "-"
        print(f"| {label} | {med:.2f} | {min(runs):.2f} | {statistics.median(wall[label]):.2f} | {ratio} |")


if __name__ == "__main__":
    main()
