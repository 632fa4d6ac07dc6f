"""Benchmark: printline's render against the common Pillow + ImageCms way (a command, not a test).

    .venv/bin/python bench/render.py [--sizes 6,12,24] [--products poster-50x70,poster-100x150] [--runs 5]
                                     [--printline auto|cli|slot]

Makes portrait "photos" of 6, 12 and 24 MP on the fly (noise and structure, so JPEG decoding
costs what a camera photo costs), then renders each product from each photo both ways, every run
in its own process so peak memory (ru_maxrss via os.wait4) belongs to that run alone; the two ways
take turns `--runs` times; the table gives the median and best time, the lowest peak, and the
median over the rounds of each round's time ratios (pillow / printline, printline / plain):

* printline: `printline render --product P --image F --out DIR` when the CLI has it, else this
  script's `_ours` mode: render_slot (print raster, preview, overlay, report.json) + the raster
  wrapped in a one-page PDF as it is (DCTDecode).
* pillow: open, ImageOps.exif_transpose, centred crop incl. bleed, resize LANCZOS, ImageCms to
  the same FOGRA39 profile (relative colorimetric + BPC), save CMYK JPEG (quality 95, 4:4:4),
  JPEG bytes embedded in a hand-written PDF as they are (no ASCII85), the print file only.

* plain: the plain pyvips pipeline for the same job (centred crop, ICC, the render's enlargement, JPEG, PDF): no
  preview, no report, no sharpening. printline's target: within 1.2x of it.

Prints a table of wall time and peak memory with the ratios.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHOTO_SIZES = {6: (2000, 3000), 12: (2828, 4243), 24: (4000, 6000)}
CACHE = Path(tempfile.gettempdir()) / "printline-bench-photos"
PACKAGES = ("api", "orders", "printfiles", "printline", "profiles", "queues", "render", "storage")


def make_photo(megapixels: int, variant: int = 0) -> Path:
    """A portrait JPEG with photo-like entropy: smooth colour fields, texture and sensor noise.
    `variant` > 0 gives another photo of the same kind (other seeds), for batches of distinct files."""
    import pyvips

    width, height = PHOTO_SIZES[megapixels]
    path = CACHE / (f"photo-{megapixels}mp.jpg" if not variant else f"photo-{megapixels}mp-{variant}.jpg")
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    bands = []
    for seed, cell in ((1, 512), (2, 384), (3, 640)):
        seed += 100 * variant
        field = pyvips.Image.perlin(width, height, cell_size=cell, seed=seed) * 90 + 128
        detail = pyvips.Image.perlin(width, height, cell_size=24, seed=seed + 10) * 25
        noise = pyvips.Image.gaussnoise(width, height, sigma=4, mean=0, seed=seed)
        bands.append(field + detail + noise)
    image = bands[0].bandjoin(bands[1:]).cast("uchar").copy(interpretation="srgb")
    tmp = path.with_suffix(".tmp.jpg")
    image.jpegsave(str(tmp), Q=92)
    tmp.rename(path)
    return path


def _cli_has_render() -> bool:
    exe = ROOT / ".venv" / "bin" / "printline"
    if not exe.exists():
        return False
    done = subprocess.run([str(exe), "render", "--help"], check=False, capture_output=True, text=True)
    return done.returncode == 0


def _run(args: list[str]) -> tuple[float, float, int]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"{' '.join(args)} failed:\n{err}")
    return wall, usage.ru_maxrss / 1024.0, proc.returncode


def write_pdf(
    jpeg: Path, width_px: int, height_px: int, page_mm: tuple[float, float], out: Path, adobe_inverted: bool
) -> None:
    """A one-page PDF showing the CMYK JPEG as it is (DCTDecode), streaming the bytes from disk."""
    w_pt, h_pt = (v / 25.4 * 72 for v in page_mm)
    decode = " /Decode [1 0 1 0 1 0 1 0]" if adobe_inverted else ""
    size = jpeg.stat().st_size
    content = f"q {w_pt:.4f} 0 0 {h_pt:.4f} 0 0 cm /Im0 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w_pt:.4f} {h_pt:.4f}] "
        f"/Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>".encode(),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    image_head = (
        f"<< /Type /XObject /Subtype /Image /Width {width_px} /Height {height_px} "
        f"/ColorSpace /DeviceCMYK /BitsPerComponent 8 /Filter /DCTDecode{decode} "
        f"/Length {size} >>\nstream\n"
    ).encode()
    with out.open("wb") as fh:
        fh.write(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(fh.tell())
            fh.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
        offsets.append(fh.tell())
        fh.write(b"5 0 obj\n" + image_head)
        with jpeg.open("rb") as src:
            shutil.copyfileobj(src, fh, 1 << 20)
        fh.write(b"\nendstream\nendobj\n")
        xref = fh.tell()
        fh.write(b"xref\n0 6\n0000000000 65535 f \n")
        for offset in offsets:
            fh.write(b"%010d 00000 n \n" % offset)
        fh.write(b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)


def ours(product_id: str, photo: Path, out: Path) -> None:
    """printline's render of one item without the CLI: slot raster, preview, report, PDF."""
    from profiles.catalogue import load_catalogue
    from render.geometry import slot_geometry
    from render.pipeline import RenderRequest, render_slot

    product = load_catalogue().get(product_id)
    geometry = slot_geometry(product)
    result = render_slot(photo, RenderRequest.for_product(product, geometry), out)
    (out / "report.json").write_text(json.dumps(result.model_dump(mode="json"), indent=1))
    write_pdf(
        result.image_path,
        result.width_px,
        result.height_px,
        geometry.total_mm,
        out / "print.pdf",
        result.adobe_inverted,
    )


def plain(product_id: str, photo: Path, out: Path) -> None:
    """The plain pyvips pipeline for the same job: centred crop, the render's enlargement
    (render.resample: separable Lanczos-3 for 8-bit, or a Lanczos-3 reduction) on the CMYK, FOGRA39 relative + BPC, CMYK JPEG q95 4:4:4 into the PDF; no preview,
    no report, no sharpening, no preflight."""
    import pyvips

    from profiles.catalogue import load_catalogue
    from render import resample
    from render.geometry import slot_geometry

    pyvips.cache_set_max(0)
    product = load_catalogue().get(product_id)
    geometry = slot_geometry(product)
    width, height = geometry.pixel_size()
    image = pyvips.Image.new_from_file(str(photo), access="sequential")
    aspect = width / height
    if image.width / image.height > aspect:
        crop_w = image.height * aspect
    else:
        crop_w = float(image.width)
    crop_h = crop_w / aspect
    x0, y0, scale = (image.width - crop_w) / 2, (image.height - crop_h) / 2, width / crop_w
    cmyk = image.icc_transform(str(product.profile.path), input_profile="srgb", intent="relative",
                               black_point_compensation=True, depth=8)
    cmyk = resample.resample(cmyk, x0, y0, scale, scale, width, height)[0]
    jpeg = out / "print.jpg"
    cmyk.jpegsave(str(jpeg), Q=95, subsample_mode="off", keep=pyvips.enums.ForeignKeep.NONE)
    write_pdf(jpeg, width, height, geometry.total_mm, out / "print.pdf", adobe_inverted=True)


def pillow(product_id: str, photo: Path, out: Path) -> None:
    """The common way, written as well as Pillow allows."""
    from PIL import Image, ImageCms, ImageOps

    from profiles.catalogue import load_catalogue
    from render.geometry import slot_geometry

    Image.MAX_IMAGE_PIXELS = None
    product = load_catalogue().get(product_id)
    geometry = slot_geometry(product)
    width, height = geometry.pixel_size()
    total_w, total_h = geometry.total_mm
    with Image.open(photo) as opened:
        image = ImageOps.exif_transpose(opened)
        image = image.convert("RGB") if image.mode != "RGB" else image
    # centred crop of the bleed box's aspect (the bleed comes from the image around the trim)
    aspect = total_w / total_h
    if image.width / image.height > aspect:
        crop_w, crop_h = image.height * aspect, float(image.height)
    else:
        crop_w, crop_h = float(image.width), image.width / aspect
    left, top = (image.width - crop_w) / 2, (image.height - crop_h) / 2
    image = image.resize(
        (width, height), Image.Resampling.LANCZOS, box=(left, top, left + crop_w, top + crop_h)
    )
    srgb = ImageCms.createProfile("sRGB")
    cmyk_profile = ImageCms.getOpenProfile(str(product.profile.path))
    transform = ImageCms.buildTransform(
        srgb,
        cmyk_profile,
        "RGB",
        "CMYK",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )
    cmyk = ImageCms.applyTransform(image, transform)
    del image
    jpeg = out / "print.jpg"
    cmyk.save(jpeg, quality=95, subsampling=0)
    del cmyk
    write_pdf(jpeg, width, height, geometry.total_mm, out / "print.pdf", adobe_inverted=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="6,12,24", help="photo sizes in MP (of 6, 12, 24)")
    parser.add_argument("--products", default="poster-50x70,poster-100x150")
    parser.add_argument(
        "--runs", type=int, default=5, help="runs per case, the ways in turn (medians of paired runs and best)"
    )
    parser.add_argument(
        "--printline",
        choices=["auto", "cli", "slot"],
        default="auto",
        help="our side: the CLI (auto: when it has `render`) or render_slot + a plain PDF",
    )
    args = parser.parse_args()
    # an installed printline has its bytecode compiled (pip does it); this checkout's editable install
    # only has it where PYTHONDONTWRITEBYTECODE is unset, so compile it here as `make bytecode` does
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)
    python = sys.executable
    use_cli = args.printline == "cli" or (args.printline == "auto" and _cli_has_render())
    rows = []
    ways = ("printline", "pillow", "plain")
    for product in args.products.split(","):
        for mp in (int(s) for s in args.sizes.split(",")):
            photo = make_photo(mp)
            # the ways take turns run by run, so a slow spell of the machine hits them alike; each run's
            # ratios pair the ways' runs of that round
            runs: dict[str, list[tuple[float, float]]] = {way: [] for way in ways}
            for _ in range(args.runs):
                for way in ways:
                    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
                        if way == "printline" and use_cli:
                            cmd = [str(ROOT / ".venv" / "bin" / "printline"), "render", "--product", product,
                                   "--image", str(photo), "--out", tmp]
                        else:
                            mode = {"printline": "_ours", "pillow": "_pillow", "plain": "_plain"}[way]
                            cmd = [python, __file__, mode, product, str(photo), tmp]
                        wall, peak, _ = _run(cmd)
                    runs[way].append((wall, peak))
            rows.append((product, mp, runs))
            ours, pil, bare = runs["printline"], runs["pillow"], runs["plain"]
            print(f"{product} {mp} MP: printline {min(r[0] for r in ours):.2f} s {min(r[1] for r in ours):.0f} MB | "
                  f"pillow {min(r[0] for r in pil):.2f} s {min(r[1] for r in pil):.0f} MB | "
                  f"plain {min(r[0] for r in bare):.2f} s", file=sys.stderr, flush=True)
    mode = "printline render (CLI)" if use_cli else "render_slot + PDF (bench/render.py _ours)"
    print(f"\nprintline = {mode}: print file + preview + overlay + report; pillow = print file only; "
          "plain = the plain pyvips pipeline (no preview, report or sharpening)\n")
    print("| product | photo | printline time (median / best) | printline peak | Pillow time | Pillow peak "
          "| plain pyvips time | Pillow / printline (median of paired runs) | printline / plain | memory ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for product, mp, runs in rows:
        ours, pil, bare = runs["printline"], runs["pillow"], runs["plain"]
        speed = statistics.median(p[0] / o[0] for p, o in zip(pil, ours, strict=True))
        over_plain = statistics.median(o[0] / b[0] for o, b in zip(ours, bare, strict=True))
        m_ours, m_pil = min(r[1] for r in ours), min(r[1] for r in pil)
        print(f"| {product} | {mp} MP | {statistics.median(r[0] for r in ours):.2f} / {min(r[0] for r in ours):.2f} s "
              f"| {m_ours:.0f} MB | {statistics.median(r[0] for r in pil):.2f} s | {m_pil:.0f} MB "
              f"| {statistics.median(r[0] for r in bare):.2f} s | {speed:.2f}x | {over_plain:.2f}x "
              f"| {m_pil / m_ours:.2f}x |")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] in ("_ours", "_pillow", "_plain"):
        mode, product_id, photo, out = sys.argv[1:]
        {"_ours": ours, "_pillow": pillow, "_plain": plain}[mode](product_id, Path(photo), Path(out))
    else:
        main()
