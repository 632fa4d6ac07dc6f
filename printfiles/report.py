"""report.json of one rendered item: what went in, what came out, and the verdict (issue 2/4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from printfiles.layout import Box
from printfiles.preflight import PreflightReport
from vocab.findings import Finding, Verdict


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class BoxMM(_Model):
    """A rectangle in mm from the MediaBox's bottom-left corner."""

    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float

    @classmethod
    def of(cls, box: Box) -> BoxMM:
        return cls(
            x_mm=round(box.x_mm, 4),
            y_mm=round(box.y_mm, 4),
            width_mm=round(box.width_mm, 4),
            height_mm=round(box.height_mm, 4),
        )


class PageBoxes(_Model):
    index: int
    name: str
    media: BoxMM
    bleed: BoxMM
    trim: BoxMM


class SlotReport(_Model):
    """One photo: its source, how it was scaled, where it sits, and the render's own report."""

    page: str
    slot: str
    upload_id: str
    placed: BoxMM
    source_width_px: int | None
    source_height_px: int | None
    effective_ppi: float | None  # source pixels per inch at print size
    scale_factor: float | None
    raster_width_px: int
    raster_height_px: int
    raster_ppi: float  # raster pixels per inch on the page (what preflight reads back)
    encoding: str
    render: dict[str, Any]  # render.pipeline.RenderResult as JSON


class TextReport(_Model):
    page: str
    area: str
    font: str
    size_pt: float
    colour: str
    cmyk: tuple[float, float, float, float]
    lines: list[str]


class PreviewPage(_Model):
    """Where a page's TrimBox lies in preview.jpg, in pixels (x, y from the top-left, w, h)."""

    page: str
    trim_px: tuple[float, float, float, float]


class OutputInfo(_Model):
    colour_space: str
    output_profile: str
    condition_identifier: str
    intent: str
    pdfx_version: str


class ItemReport(_Model):
    """Everything a QA person or a press operator needs to trust (or reject) the print file."""

    brand: str
    product: str
    order_ref: str
    item_ref: str
    job_id: str
    version: int
    created_at: datetime
    orientation: str
    printer: str
    output: OutputInfo
    pages: list[PageBoxes]
    slots: list[SlotReport]
    texts: list[TextReport]
    preview_layout: str  # how pages sit in preview.jpg
    preview_pages: list[PreviewPage]
    preflight: PreflightReport
    findings: list[Finding]
    verdict: Verdict
