"""Build one item's print file: render every photo slot, set the text, write PDF/X-4, preflight it.

This is what `printline render` and the render worker call. Same inputs (spec, product, source
bytes, meta) give a byte-identical PDF: ids and dates come from `meta`, never from the clock.

The slots render on a worker thread from the moment the item is checked; the PDF side (reportlab,
barcodes, preflight) is imported and prepared meanwhile, so a one-off CLI run does not wait for
imports the rasters can hide.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from orders.spec import ImageRef, ItemSpec
from printfiles.layout import MM_PER_INCH, PageFrame, page_frames
from profiles.catalogue import ImageSlot, Product
from profiles.printers import Printer, load_printers
from render import pipeline
from render.errors import RenderError
from render.findings import verdict
from render.geometry import SlotGeometry, slot_geometry

if TYPE_CHECKING:
    from printfiles.compose import PagePlan
    from printfiles.marks import SlugInfo
    from printfiles.preview import PreviewGeometry, PreviewPiece
    from printfiles.report import ItemReport, SlotReport
    from printfiles.text import TextBlock
    from render.findings import Finding

PRODUCER = "Printline (reportlab + pikepdf/qpdf)"


class LayoutError(RenderError):
    """The item's slots or fields do not match the product's layout."""


@dataclass(frozen=True)
class PrintMeta:
    """Who the file is for; also the only source of ids and dates in it."""

    brand: str
    order_ref: str  # the shop's external order id, e.g. "MP-2026-000123" (CLI: "local")
    item_ref: str  # item id or position
    job_id: str
    version: int  # render version r1, r2, ...
    created_at: datetime  # UTC; used for PDF dates -> reproducible files


@dataclass(frozen=True)
class BuildResult:
    printfile: Path  # out_dir/printfile.pdf
    preview: Path  # out_dir/preview.jpg: sRGB soft proof, pages stacked top to bottom, long edge 1200 px
    overlay: Path | None  # out_dir/overlay.jpg (trim, safe zone, folds, text areas)
    report_path: Path  # out_dir/report.json
    report: ItemReport


def _slot_images(spec: ItemSpec, product: Product, frames: list[PageFrame]) -> dict[str, ImageRef]:
    """slot id -> image; `spec.image` is the first required slot. LayoutError names the field."""
    slots: list[ImageSlot] = [s for f in frames for s in f.page.slots]
    known = [s.id for s in slots]
    assigned: dict[str, ImageRef] = {}
    if spec.image is not None:
        first = next((s for s in slots if s.required), slots[0] if slots else None)
        if first is None:
            raise LayoutError(f"image: product {product.id!r} has no photo slot; remove the image")
        assigned[first.id] = spec.image
    for index, item in enumerate(spec.images):
        if item.slot not in known:
            raise LayoutError(
                f"images[{index}].slot: {product.id!r} has no slot {item.slot!r}; slots: {known}"
            )
        if item.slot in assigned:
            raise LayoutError(f"images[{index}].slot: slot {item.slot!r} already has a photo")
        assigned[item.slot] = item.image
    for slot in slots:
        if slot.required and slot.id not in assigned:
            field = "image" if slot is next((s for s in slots if s.required), None) else "images"
            raise LayoutError(f"{field}: {product.id!r} needs a photo in slot {slot.id!r}")
    return assigned


def _text_blocks(spec: ItemSpec, product: Product, frames: list[PageFrame]) -> dict[int, list[TextBlock]]:
    if not spec.texts:
        return {f.index: [] for f in frames}
    from printfiles.text import TextLayoutError, layout_text

    areas = {a.id: (f.index, a) for f in frames for a in f.page.text_areas}
    blocks: dict[int, list[TextBlock]] = {f.index: [] for f in frames}
    used: set[str] = set()
    for index, field in enumerate(spec.texts):
        if field.area not in areas:
            raise TextLayoutError(
                f"texts[{index}].area: {product.id!r} has no text area {field.area!r}; "
                f"areas: {sorted(areas) or 'none'}"
            )
        if field.area in used:
            raise TextLayoutError(f"texts[{index}].area: text area {field.area!r} is given twice")
        used.add(field.area)
        page_index, area = areas[field.area]
        if field.text.strip():
            blocks[page_index].append(layout_text(field, area, product.profile, product.intent))
    return blocks


@dataclass(frozen=True)
class _SlotJob:
    """One photo slot to render: where it sits and what fills it."""

    frame: PageFrame
    slot: ImageSlot
    image: ImageRef
    geometry: SlotGeometry


def _render_slots(jobs: list[_SlotJob], product: Product, spec: ItemSpec, sources: Mapping[str, Path],
                  scratch: Path) -> list[pipeline.RenderResult]:
    """Render every slot in order (a worker renders one raster at a time: memory stays flat)."""
    results = []
    for job in jobs:
        request = pipeline.RenderRequest.for_product(  # the item's overlay.jpg replaces the slot's own
            product, job.geometry, job.image, wrap=spec.wrap, wrap_colour=spec.wrap_colour, overlay=False
        )
        name = f"p{job.frame.index}-{job.slot.id}"
        results.append(pipeline.render_slot(Path(sources[job.image.upload_id]), request, scratch, name=name))
    return results


def _slugs(frames: list[PageFrame], product: Product, meta: PrintMeta) -> dict[int, SlugInfo]:
    from printfiles.marks import SlugInfo

    return {
        frame.index: SlugInfo(
            brand=meta.brand,
            order_ref=meta.order_ref,
            item_ref=meta.item_ref,
            product=product.id,
            version=meta.version,
            job_id=meta.job_id,
            page_name=frame.page.name,
        )
        for frame in frames
    }


@dataclass(frozen=True)
class _Placed:
    """The rendered slots placed on their pages: what the PDF, the QA images and the report need."""

    plans: list[PagePlan]
    pieces: list[list[PreviewPiece]]  # per page
    slots: list[SlotReport]
    findings: list[Finding]
    known_ink: dict[str, float]  # raster SHA-256 -> max ink the render measured


def _place(
    frames: list[PageFrame],
    jobs: list[_SlotJob],
    results: list[pipeline.RenderResult],
    texts: dict[int, list[TextBlock]],
    slugs: dict[int, SlugInfo],
) -> _Placed:
    from printfiles.compose import PagePlan, Placement
    from printfiles.embed import RasterFile
    from printfiles.preview import PreviewPiece
    from printfiles.report import BoxMM, SlotReport

    placed = _Placed(plans=[], pieces=[], slots=[], findings=[], known_ink={})
    for frame in frames:
        placements, page_pieces = [], []
        for job, result in zip(jobs, results, strict=True):
            if job.frame is not frame:
                continue
            slot, geometry = job.slot, job.geometry
            total_w, total_h = geometry.total_mm
            left, top = slot.x_mm - geometry.bleed.left, slot.y_mm - geometry.bleed.top
            box = frame.rect_to_pdf(left, top, total_w, total_h)
            raster = RasterFile(
                path=Path(result.image_path),
                encoding=result.encoding,
                width_px=result.width_px,
                height_px=result.height_px,
                sha256=result.image_sha256,
            )
            placements.append(Placement(raster=raster, box=box))
            placed.known_ink[result.image_sha256] = result.metrics.max_ink_percent
            page_pieces.append(PreviewPiece(preview=Path(result.preview_path), box=box))
            placed.findings.extend(result.findings)
            placed.slots.append(
                SlotReport(
                    page=frame.page.name,
                    slot=slot.id,
                    upload_id=job.image.upload_id,
                    placed=BoxMM.of(box),
                    source_width_px=result.metrics.source_width,
                    source_height_px=result.metrics.source_height,
                    effective_ppi=result.metrics.effective_ppi,
                    scale_factor=result.metrics.scale_factor,
                    raster_width_px=result.width_px,
                    raster_height_px=result.height_px,
                    raster_ppi=round(result.width_px / (total_w / MM_PER_INCH), 3),
                    encoding=result.encoding,
                    render=result.model_dump(mode="json"),
                )
            )
        page = PagePlan(frame=frame, placements=placements, texts=texts[frame.index], slug=slugs[frame.index])
        placed.plans.append(page)
        placed.pieces.append(page_pieces)
    return placed


def build_item(
    spec: ItemSpec,
    product: Product,
    sources: Mapping[str, Path],
    out_dir: Path,
    meta: PrintMeta,
    *,
    printer: Printer | None = None,
) -> BuildResult:
    """Render, compose, write and preflight one item into out_dir (printfile.pdf, preview.jpg,
    overlay.jpg, report.json). Customer errors raise RenderError subclasses naming the field."""
    if spec.product != product.id:
        raise LayoutError(f"product: the item is for {spec.product!r}, not {product.id!r}")
    orientation = spec.orientation or product.default_orientation
    if orientation not in product.orientations:
        raise LayoutError(
            f"orientation: {product.id!r} comes {[o.value for o in product.orientations]}, "
            f"not {orientation.value!r}"
        )
    printer = printer or load_printers()[product.printer]  # callers with a catalogue pass theirs
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = page_frames(product, orientation, printer)
    images = _slot_images(spec, product, frames)
    for slot_id, ref in images.items():
        if ref.upload_id not in sources:
            raise LayoutError(
                f"image {ref.upload_id!r} for slot {slot_id!r} was not uploaded; upload it first"
            )
    texts = _text_blocks(spec, product, frames)

    jobs = [
        _SlotJob(frame, slot, images[slot.id], slot_geometry(product, frame.page, slot, orientation, spec.wrap))
        for frame in frames
        for slot in frame.page.slots
        if slot.id in images
    ]
    scratch = out_dir / ".build"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="render-slots") as pool:
            rendering = pool.submit(_render_slots, jobs, product, spec, sources, scratch)
            # meanwhile: the PDF side's imports and the pages' vector parts, which need no raster
            from printfiles.compose import PagePlan, draw_vectors, write_printfile
            from printfiles.pdfx import PDFX_VERSION, DocInfo, ids_for
            from printfiles.preflight import preflight_pdf
            from printfiles.preview import compose_overlay, compose_preview
            from printfiles.report import BoxMM, ItemReport, OutputInfo, PageBoxes, PreviewPage, TextReport

            slugs = _slugs(frames, product, meta)
            vector_plans = [PagePlan(frame=f, texts=texts[f.index], slug=slugs[f.index]) for f in frames]
            vectors = draw_vectors(vector_plans, printer, scratch / "vectors.pdf")
            placed = _place(frames, jobs, rendering.result(), texts, slugs)

            def previews() -> PreviewGeometry:
                geo = compose_preview(frames, placed.pieces, preview, texts=texts, profile=product.profile)
                compose_overlay(frames, geo, preview, overlay, product.safe_mm)
                return geo

            # the QA images (libvips) on the pool's thread while this one writes the PDF
            preview, overlay = out_dir / "preview.jpg", out_dir / "overlay.jpg"
            previewing = pool.submit(previews)
            document_id, instance_id = ids_for(meta.job_id, meta.version)
            info = DocInfo(
                title=f"{meta.brand} order {meta.order_ref} item {meta.item_ref} ({product.id}, r{meta.version})",
                producer=PRODUCER,
                creator="Printline",
                created_at=meta.created_at,
                document_id=document_id,
                instance_id=instance_id,
                version=meta.version,
            )
            printfile = write_printfile(
                placed.plans,
                printer,
                product.profile,
                info,
                out_dir / "printfile.pdf",
                scratch,
                vectors=vectors,
            )
            geo = previewing.result()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    preflight = preflight_pdf(printfile, product, known_ink=placed.known_ink)
    all_findings = [*placed.findings, *preflight.findings]
    report = ItemReport(
        brand=meta.brand,
        product=product.id,
        order_ref=meta.order_ref,
        item_ref=meta.item_ref,
        job_id=meta.job_id,
        version=meta.version,
        created_at=meta.created_at,
        orientation=orientation.value,
        printer=printer.id,
        output=OutputInfo(
            colour_space="DeviceCMYK",
            output_profile=product.profile.id,
            condition_identifier=product.profile.condition_identifier,
            intent=product.intent.value,
            pdfx_version=PDFX_VERSION,
        ),
        pages=[
            PageBoxes(
                index=f.index,
                name=f.page.name,
                media=BoxMM.of(f.media),
                bleed=BoxMM.of(f.bleed),
                trim=BoxMM.of(f.trim),
            )
            for f in frames
        ],
        slots=placed.slots,
        texts=[
            TextReport(
                page=frames[i].page.name,
                area=b.area.id,
                font=b.font,
                size_pt=b.size_pt,
                colour=b.colour,
                cmyk=b.cmyk,
                lines=list(b.lines),
            )
            for i, blocks in texts.items()
            for b in blocks
        ],
        preview_layout="pages stacked top to bottom, each page's BleedBox, 8 px apart",
        preview_pages=[PreviewPage(page=f.page.name, trim_px=geo.trim_px(f)) for f in frames],
        preflight=preflight,
        findings=all_findings,
        verdict=verdict(all_findings),
    )
    report_path = out_dir / "report.json"
    report_path.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    return BuildResult(
        printfile=printfile, preview=preview, overlay=overlay, report_path=report_path, report=report
    )
