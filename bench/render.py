"""Benchmark: printline's render against the common Pillow + ImageCms way (a command, not a test).

    .venv/bin/python bench/render.py [--sizes 6,12,24] [--products poster-50x70,poster-100x150] [--runs 5]
                                     [--printline auto|cli|slot]

Makes portrait "photos" of 6, 12 and 24 MP on the fly (noise and structure, so JPEG decoding
costs what a camera photo costs), then renders each product from each photo both ways, every run
in its own process so peak memory (ru_maxrss via os.wait4) belongs to that run alone; the two ways
take turns `--runs` times and the best time and peak of each count:

* printline: `printline render --product P --image F --out DIR` when the CLI has it, else this
  script's `_ours` mode: render_slot (print raster, preview, overlay, report.json) + the raster
  wrapped in a one-page PDF as it is (DCTDecode).
* pillow: open, ImageOps.exif_transpose, centred crop incl. bleed, resize LANCZOS, ImageCms to
  the same FOGRA39 profile (relative colorimetric + BPC), save CMYK JPEG (quality 95, 4:4:4),
  JPEG bytes embedded in a hand-written PDF as they are (no ASCII85), the print file only.

Prints a table of wall time and peak memory with the ratios pillow / printline.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
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


def make_photo(megapixels: int) -> Path:
    """A portrait JPEG with photo-like entropy: smooth colour fields, texture and sensor noise."""
    import pyvips

    width, height = PHOTO_SIZES[megapixels]
    path = CACHE / f"photo-{megapixels}mp.jpg"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    bands = []
    for seed, cell in ((1, 512), (2, 384), (3, 640)):
        field = pyvips.Image.perlin(width, height, cell_size=cell, seed=seed) * 90 + 128
        detail = pyvips.Image.perlin(width, height, cell_size=24, seed=seed + 10) * 25
        noise = pyvips.Image.gaussnoise(width, height, sigma=4, mean=0)
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
    done = subprocess.run([str(exe), "render", "--help"], capture_output=True, text=True)
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
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="6,12,24", help="photo sizes in MP (of 6, 12, 24)")
    parser.add_argument("--products", default="poster-50x70,poster-100x150")
    parser.add_argument(
        "--runs", type=int, default=5, help="runs per case, the two ways in turn; the best time and memory count"
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
    for product in args.products.split(","):
        for mp in (int(s) for s in args.sizes.split(",")):
            photo = make_photo(mp)
            # the two ways take turns run by run, so a slow spell of the machine hits both alike
            results = {way: (float("inf"), float("inf")) for way in ("printline", "pillow")}
            for _ in range(args.runs):
                for way in results:
                    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
                        if way == "printline" and use_cli:
                            cmd = [
                                str(ROOT / ".venv" / "bin" / "printline"),
                                "render",
                                "--product",
                                product,
                                "--image",
                                str(photo),
                                "--out",
                                tmp,
                            ]
                        else:
                            cmd = [
                                python,
                                __file__,
                                f"_{'ours' if way == 'printline' else 'pillow'}",
                                product,
                                str(photo),
                                tmp,
                            ]
                        wall, peak, _ = _run(cmd)
                    best = results[way]
                    results[way] = (min(best[0], wall), min(best[1], peak))
            (t_ours, m_ours), (t_pil, m_pil) = results["printline"], results["pillow"]
            rows.append((product, mp, t_ours, m_ours, t_pil, m_pil))
            print(
                f"{product} {mp} MP: printline {t_ours:.2f} s {m_ours:.0f} MB | "
                f"pillow {t_pil:.2f} s {m_pil:.0f} MB",
                file=sys.stderr,
                flush=True,
            )
    mode = "printline render (CLI)" if use_cli else "render_slot + PDF (bench/render.py _ours)"
    print(f"\nprintline = {mode}: print file + preview + overlay + report; pillow = print file only\n")
    print(
        "| product | photo | printline time | printline peak | Pillow time | Pillow peak "
        "| time ratio | memory ratio |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for product, mp, t_ours, m_ours, t_pil, m_pil in rows:
        print(
            f"| {product} | {mp} MP | {t_ours:.2f} s | {m_ours:.0f} MB | {t_pil:.2f} s | {m_pil:.0f} MB | "
            f"{t_pil / t_ours:.2f}x | {m_pil / m_ours:.2f}x |"
        )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] in ("_ours", "_pillow"):
        mode, product_id, photo, out = sys.argv[1:]
        (ours if mode == "_ours" else pillow)(product_id, Path(photo), Path(out))
    else:
        main()
