"""Build one item's print file: render every photo slot, set the text, write PDF/X-4, preflight it.

This is what `printline render` and the render worker call. Same inputs (spec, product, source
bytes, meta) give a byte-identical PDF: ids and dates come from `meta`, never from the clock.

The item is planned first (`render.plan.plan_item`, from the sources' headers, read once): every
customer error is found there and raised together as one `InvalidItem`; what follows renders the
plan. The slots render on a worker thread from then on (each render checks its source's data
for completeness first: `render.pipeline`); the PDF side (reportlab, barcodes, preflight) is
imported and prepared meanwhile, so a one-off CLI run does not wait for imports the rasters can
hide. `cancel` and `on_progress` reach every slot's render (see `render.control`); a cancelled build raises RenderCancelled and leaves no output files.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from printfiles.layout import MM_PER_INCH, PageFrame, page_frames
from profiles.catalogue import Product
from profiles.printers import Printer, load_printers
from render import pipeline
from render.control import CancelToken, Control, ProgressCallback, RenderCancelled
from render.errors import RenderError
from render.plan import FieldError, ItemPlan, SlotPlan, SourceHeader, plan_item
from render.source import SourceInfo, inspect
from vocab.findings import verdict
from vocab.spec import ItemSpec

if TYPE_CHECKING:
    from printfiles.compose import PagePlan
    from printfiles.marks import SlugInfo
    from printfiles.preview import PreviewGeometry, PreviewPiece
    from printfiles.report import ItemReport, SlotReport
    from printfiles.text import TextBlock
    from vocab.findings import Finding

PRODUCER = "Printline (reportlab + pikepdf/qpdf)"
OUTPUTS = ("printfile.pdf", "preview.jpg", "overlay.jpg", "report.json")
SLOTS_SHARE = 90.0  # of an item's progress: its rasters; the PDF, QA images and preflight the rest


class LayoutError(RenderError):
    """The item's slots or fields do not match the product's layout."""


class InvalidItem(LayoutError):
    """The one error for a customer's item that cannot be built as given: every problem
    `plan_item` found, each naming its field ("image: ...; texts[1].area: ..."). It is raised as
    `_invalid_item()`, a subclass that is also a `printfiles.text.TextLayoutError`, so callers
    that catch layout or text errors keep working (that module is imported only then)."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = tuple(errors)


@functools.cache
def _invalid_item() -> type[InvalidItem]:
    from printfiles.text import TextLayoutError

    return type("InvalidItem", (InvalidItem, TextLayoutError), {"__module__": __name__})


@dataclass(frozen=True)
class PrintMeta:
    """Who the file is for; also the only source of ids and dates in it."""

    brand: str
    order_ref: str  # the shop's external order id, e.g. "MP-2026-000123" (CLI: "local")
    item_ref: str  # item id or position
    job_id: str
    version: int  # render version r1, r2, ...
    created_at: datetime  # UTC; used for PDF dates -> reproducible files
    quantity: int = 1  # copies ordered; on the slug ("x 3") so the press prints them all
    sandbox: bool = False  # a sandbox order's: SANDBOX on the slug and stamped in the bleed


@dataclass(frozen=True)
class BuildResult:
    printfile: Path  # out_dir/printfile.pdf
    preview: Path  # out_dir/preview.jpg: sRGB soft proof, pages stacked top to bottom, long edge 1200 px
    overlay: Path | None  # out_dir/overlay.jpg (trim, safe zone, folds, text areas)
    report_path: Path  # out_dir/report.json
    report: ItemReport


def read_headers(spec: ItemSpec, sources: Mapping[str, Path]) -> dict[str, SourceInfo]:
    """The header of every source the item names (RenderError for one that is not a printable image);
    an upload the item names that is not in `sources` is left to the plan to report."""
    return {uid: inspect(Path(sources[uid]), check_data=False)
            for uid in dict.fromkeys(spec.upload_ids()) if uid in sources}


def plan(spec: ItemSpec, product: Product, infos: Mapping[str, SourceInfo]) -> ItemPlan:
    """The item's plan; InvalidItem naming every field that must change."""
    headers = {uid: SourceHeader(info.upright, info.colour_space, info.icc is not None)
               for uid, info in infos.items()}
    planned = plan_item(spec, product, headers)
    if isinstance(planned, list):
        raise _invalid_item()(planned)
    return planned


def _text_blocks(item: ItemPlan, product: Product, frames: list[PageFrame]) -> dict[int, list[TextBlock]]:
    blocks: dict[int, list[TextBlock]] = {f.index: [] for f in frames}
    if not item.texts:
        return blocks
    from printfiles.text import layout_text

    for text in item.texts:
        if text.text.text.strip():
            blocks[text.page].append(layout_text(text.text, text.area, product.profile, product.intent))
    return blocks


@dataclass(frozen=True)
class _SlotJob:
    """One photo slot to render: where it sits and what fills it."""

    frame: PageFrame
    plan: SlotPlan


def _render_slots(jobs: list[_SlotJob], product: Product, infos: Mapping[str, SourceInfo], scratch: Path,
                  control: Control) -> list[pipeline.RenderResult]:
    """Render every slot in order (a worker renders one raster at a time: memory stays flat); each
    slot's progress is its share of the item's pixels. Each source's data is checked by its
    render (`render.pipeline`); the headers were read without it."""
    results = []
    sizes = [job.plan.geometry.pixel_size() for job in jobs]
    total = sum(w * h for w, h in sizes) or 1
    done = 0.0
    for job, (w, h) in zip(jobs, sizes, strict=True):
        # the item's overlay.jpg replaces the slot's own
        request = pipeline.RenderRequest.for_plan(product, job.plan, overlay=False)
        name = f"p{job.frame.index}-{job.plan.slot.id}"
        share = w * h / total * SLOTS_SHARE
        part = control.part(done, done + share)
        # only when asked for: render_slot's plain four-argument call stays what it was
        kwargs = {} if control.idle else {"cancel": part.cancelled, "on_progress": part.progress}
        info = infos[job.plan.image.upload_id]
        results.append(pipeline.render_slot(info, request, scratch, name=name, **kwargs))
        done += share
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
            quantity=meta.quantity,
            sandbox=meta.sandbox,
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


def _slot_report(frame: PageFrame, job: _SlotJob, result: pipeline.RenderResult, box) -> SlotReport:
    from printfiles.report import BoxMM, SlotReport

    total_w, _ = job.plan.geometry.total_mm
    return SlotReport(
        page=frame.page.name,
        slot=job.plan.slot.id,
        upload_id=job.plan.image.upload_id,
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

    placed = _Placed(plans=[], pieces=[], slots=[], findings=[], known_ink={})
    for frame in frames:
        placements, page_pieces = [], []
        for job, result in zip(jobs, results, strict=True):
            if job.frame is not frame:
                continue
            slot, geometry = job.plan.slot, job.plan.geometry
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
            # in a multi-slot item a finding must say which photo it is about
            where = {"page": frame.page.name, "slot": slot.id}
            placed.findings.extend(f.model_copy(update=where) for f in result.findings)
            placed.slots.append(_slot_report(frame, job, result, box))
        page = PagePlan(frame=frame, placements=placements, texts=texts[frame.index], slug=slugs[frame.index])
        placed.plans.append(page)
        placed.pieces.append(page_pieces)
    return placed


@dataclass(frozen=True)
class _Composed:
    printfile: Path
    preview: Path
    overlay: Path
    geo: PreviewGeometry
    placed: _Placed


def _compose(item: ItemPlan, product: Product, infos: Mapping[str, SourceInfo], printer: Printer,
             frames: list[PageFrame], texts: dict[int, list[TextBlock]], out_dir: Path, meta: PrintMeta,
             control: Control) -> _Composed:
    """Render the slots on a worker thread while this one draws the pages' vector parts; then the
    QA images on that thread while this one writes the PDF (rasters copied in, not re-encoded).
    Long (a 60-line budget would split the two threads' hand-offs apart) because it is one schedule."""
    jobs = [_SlotJob(frames[s.page], s) for s in item.slots]
    scratch = out_dir / ".build"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="render-slots") as pool:
            rendering = pool.submit(_render_slots, jobs, product, infos, scratch, control)
            # meanwhile: the PDF side's imports and the pages' vector parts, which need no raster
            from printfiles.compose import PagePlan, draw_vectors, write_printfile
            from printfiles.pdfx import DocInfo, ids_for
            from printfiles.preflight import preflight_pdf  # noqa: F401 - imported while the rasters render
            from printfiles.preview import compose_overlay, compose_preview
            from printfiles.report import ItemReport  # noqa: F401

            slugs = _slugs(frames, product, meta)
            vector_plans = [PagePlan(frame=f, texts=texts[f.index], slug=slugs[f.index]) for f in frames]
            vectors = draw_vectors(vector_plans, printer, scratch / "vectors.pdf")
            placed = _place(frames, jobs, rendering.result(), texts, slugs)
            control.check("pdf")

            def previews() -> PreviewGeometry:
                geo = compose_preview(frames, placed.pieces, preview, texts=texts, profile=product.profile)
                compose_overlay(frames, geo, preview, overlay, product.safe_mm)
                return geo

            # the QA images (libvips) on the pool's thread while this one writes the PDF
            preview, overlay = out_dir / "preview.jpg", out_dir / "overlay.jpg"
            previewing = pool.submit(previews)
            document_id, instance_id = ids_for(meta.job_id, meta.version)
            info = DocInfo(
                title=f"{meta.brand} order {meta.order_ref} item {meta.item_ref} "
                f"({product.id}, r{meta.version})",
                producer=PRODUCER,
                creator="Printline",
                created_at=meta.created_at,
                document_id=document_id,
                instance_id=instance_id,
                version=meta.version,
            )
            printfile = write_printfile(
                placed.plans, printer, product.profile, info, out_dir / "printfile.pdf", scratch,
                vectors=vectors,
            )
            geo = previewing.result()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return _Composed(printfile=printfile, preview=preview, overlay=overlay, geo=geo, placed=placed)


def _report(composed: _Composed, item: ItemPlan, product: Product, printer: Printer, frames: list[PageFrame],
            texts: dict[int, list[TextBlock]], meta: PrintMeta) -> ItemReport:
    from printfiles.pdfx import PDFX_VERSION
    from printfiles.preflight import preflight_pdf
    from printfiles.report import BoxMM, ItemReport, OutputInfo, PageBoxes, PreviewPage, TextReport

    placed = composed.placed
    preflight = preflight_pdf(composed.printfile, product, known_ink=placed.known_ink)
    all_findings = [*placed.findings, *preflight.findings]
    return ItemReport(
        brand=meta.brand,
        product=product.id,
        order_ref=meta.order_ref,
        item_ref=meta.item_ref,
        job_id=meta.job_id,
        version=meta.version,
        created_at=meta.created_at,
        orientation=item.orientation.value,
        printer=printer.id,
        output=OutputInfo(
            colour_space="DeviceCMYK",
            output_profile=product.profile.id,
            condition_identifier=product.profile.condition_identifier,
            intent=product.intent.value,
            pdfx_version=PDFX_VERSION,
        ),
        pages=[
            PageBoxes(index=f.index, name=f.page.name, media=BoxMM.of(f.media), bleed=BoxMM.of(f.bleed),
                      trim=BoxMM.of(f.trim))
            for f in frames
        ],
        slots=placed.slots,
        texts=[
            TextReport(page=frames[i].page.name, area=b.area.id, font=b.font, size_pt=b.size_pt,
                       colour=b.colour, cmyk=b.cmyk, lines=list(b.lines))
            for i, blocks in texts.items()
            for b in blocks
        ],
        preview_layout="pages stacked top to bottom, each page's BleedBox, 8 px apart",
        preview_pages=[PreviewPage(page=f.page.name, trim_px=composed.geo.trim_px(f)) for f in frames],
        preflight=preflight,
        findings=all_findings,
        verdict=verdict(all_findings),
    )


def build_item(
    spec: ItemSpec,
    product: Product,
    sources: Mapping[str, Path],
    out_dir: Path,
    meta: PrintMeta,
    *,
    printer: Printer | None = None,
    cancel: CancelToken | None = None,
    on_progress: ProgressCallback | None = None,
) -> BuildResult:
    """Plan, render, compose, write and preflight one item into out_dir (printfile.pdf, preview.jpg,
    overlay.jpg, report.json). Customer errors raise RenderError subclasses naming the field
    (InvalidItem for all the plan finds); `cancel` raises RenderCancelled and removes the outputs;
    `on_progress(percent, stage)` follows the rasters (0-90 %), PDF, preflight and report."""
    control = Control(cancel, on_progress)
    control.check("plan")
    infos = read_headers(spec, sources)
    item = plan(spec, product, infos)
    printer = printer or load_printers()[product.printer]  # callers with a catalogue pass theirs
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = page_frames(product, item.orientation, printer)
    texts = _text_blocks(item, product, frames)
    try:
        composed = _compose(item, product, infos, printer, frames, texts, out_dir, meta, control)
        control.check("preflight")
        control.progress(95, "preflight")
        report = _report(composed, item, product, printer, frames, texts, meta)
        control.check("report")
        report_path = out_dir / "report.json"
        report_path.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    except RenderCancelled:
        for name in OUTPUTS:
            (out_dir / name).unlink(missing_ok=True)
        raise
    control.progress(100, "done")
    return BuildResult(printfile=composed.printfile, preview=composed.preview, overlay=composed.overlay,
                       report_path=report_path, report=report)
