"""Findings on real photos: every photo rendered as a poster and as a card, one table (a command, not a test).

    .venv/bin/python bench/findings.py [--photos /tmp/pl-bench/photos] [--products poster-50x70,card-a6-flat]
                                       [--markdown] [--build]

Each photo is rendered with the product's own thresholds as the render worker renders a slot
(`render.pipeline.render_slot`: print raster, preview, measurements, findings), in the orientation that
fits the photo when the product has both (a shop suggests it), filled and centred as an order without
a crop is. `--build` runs `printfiles.build.build_item` instead (PDF/X-4 and the PDF preflight too;
slower). Prints per photo and product: source size, LittleCMS's out-of-gamut share, the share still
out of gamut after black point compensation, effective ppi, max ink, the verdict, the findings; then
per product the auto-approve share (verdict ok) and, for comparison, what the old rule (warn above a
5 % LittleCMS share) gave. The photos used for docs/FINDINGS.md: scikit-image's bundled photos
(`pip download scikit-image`, skimage/data/*.png|jpg) and the Debian wallpaper packages
mate-backgrounds and lomiri-wallpapers-20.04 (/usr/share/backgrounds).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHOTOS = Path("/tmp/pl-bench/photos")
OLD_WARN_SHARE = 0.05  # the out-of-gamut rule before docs/FINDINGS.md: LittleCMS's share over 5 %


def _orientation(product, upright: tuple[int, int]):
    from vocab.options import Orientation

    wanted = Orientation.landscape if upright[0] > upright[1] else Orientation.portrait
    offered = [Orientation(o) for o in product.orientations] if product.orientations else []
    return wanted if wanted in offered else None


def _render(photo: Path, product, out: Path, build: bool) -> dict:
    from render.geometry import slot_geometry
    from render.pipeline import RenderRequest, render_slot
    from render.source import inspect

    info = inspect(photo)
    orientation = _orientation(product, info.upright)
    if build:
        from printfiles.build import PrintMeta, build_item
        from vocab.spec import ItemSpec

        spec = ItemSpec(product=product.id, image={"upload_id": "u1"},
                        **({"orientation": orientation.value} if orientation else {}))
        meta = PrintMeta(brand=product.brand, order_ref="bench", item_ref="1", job_id="bench", version=1,
                         created_at=datetime(2026, 1, 1, tzinfo=UTC))
        report = build_item(spec, product, {"u1": photo}, out, meta).report
        render = report.slots[0].render
        metrics, findings, verdict = render["metrics"], report.findings, report.verdict.value
        findings = [(f.code, f.severity.value) for f in findings]
    else:
        geometry = slot_geometry(product, orientation=orientation)
        result = render_slot(info, RenderRequest.for_product(product, geometry, overlay=False), out)
        metrics, verdict = result.metrics.model_dump(), result.verdict.value
        findings = [(f.code, f.severity.value) for f in result.findings]
    raw = metrics["out_of_gamut_share"]
    old = [(c, s) for c, s in findings if c != "out-of-gamut"]
    if raw > OLD_WARN_SHARE:
        old.append(("out-of-gamut", "warn"))
    old_verdict = _verdict(old)
    resolution = ("low-ppi", "large-upscale")
    return {
        "photo": photo.name, "product": product.id, "size": f"{info.upright[0]}x{info.upright[1]}",
        "raw": raw, "visible": metrics.get("out_of_gamut_visible_share"), "ppi": metrics["effective_ppi"],
        "ink": metrics["max_ink_percent"], "verdict": verdict, "old": old_verdict,
        "rest": _verdict([f for f in findings if f[0] not in resolution]),
        "old_rest": _verdict([f for f in old if f[0] not in resolution]),
        "findings": ", ".join(f"{c}({s})" for c, s in findings if s != "info") or "-",
    }


def _verdict(findings: list[tuple[str, str]]) -> str:
    severities = {s for _, s in findings}
    return "fail" if "fail" in severities else "warn" if "warn" in severities else "ok"


def _table(rows: list[dict], markdown: bool) -> str:
    head = ["photo", "product", "px", "LittleCMS oog %", "after BPC %", "ppi", "ink %", "verdict", "old", "findings"]
    body = [[r["photo"][:34], r["product"], r["size"], f"{r['raw'] * 100:.1f}",
             "-" if r["visible"] is None else f"{r['visible'] * 100:.1f}", f"{r['ppi']:.0f}", f"{r['ink']:.0f}",
             r["verdict"], r["old"], r["findings"]] for r in rows]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in body])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    return "\n".join("  ".join(str(x).ljust(w) for x, w in zip(row, widths)) for row in [head, *body])


def _summary(rows: list[dict]) -> str:
    lines = []
    for product in dict.fromkeys(r["product"] for r in rows):
        mine = [r for r in rows if r["product"] == product]
        n = len(mine)
        ok, old_ok = sum(r["verdict"] == "ok" for r in mine), sum(r["old"] == "ok" for r in mine)
        # the bench photos are 0.2-8 MP: resolution decides most posters; the rest apart from it
        clean = sum(r["rest"] == "ok" for r in mine)
        old_clean = sum(r["old_rest"] == "ok" for r in mine)
        gamut = sum("out-of-gamut" in r["findings"] for r in mine)
        old_gamut = sum(r["raw"] > OLD_WARN_SHARE for r in mine)
        lines.append(f"{product}: auto-approved {ok}/{n} ({ok / n:.0%}), before {old_ok}/{n} ({old_ok / n:.0%}); "
                     f"out-of-gamut warns {gamut}/{n}, before {old_gamut}/{n}; apart from resolution "
                     f"(low-ppi, large-upscale) ok {clean}/{n} ({clean / n:.0%}), before {old_clean}/{n} "
                     f"({old_clean / n:.0%})")

    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=Path, default=PHOTOS)
    parser.add_argument("--products", default="poster-50x70,card-a6-flat")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--build", action="store_true", help="build_item (PDF and preflight) instead of render_slot")
    args = parser.parse_args(argv)
    from profiles.catalogue import load_catalogue

    catalogue = load_catalogue()
    photos = sorted(p for p in args.photos.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".tif"))
    if not photos:
        print(f"no photos in {args.photos}", file=sys.stderr)
        return 2
    rows, start = [], time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pl-findings-") as tmp:
        for product_id in args.products.split(","):
            product = catalogue.get(product_id)
            for index, photo in enumerate(photos):
                rows.append(_render(photo, product, Path(tmp) / f"{product_id}-{index}", args.build))
                print(f"  {product_id} {photo.name}: {rows[-1]['verdict']}", file=sys.stderr)
    print(_table(rows, args.markdown))
    print()
    print(_summary(rows))
    print(f"\n{len(rows)} renders in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
