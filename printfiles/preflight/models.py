"""The preflight report: what a PDF holds and what is wrong with it, as JSON-ready pydantic models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from vocab.findings import Finding, Verdict

MM_PER_PT = 25.4 / 72


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class BoxInfo(_Model):
    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float


class PageInfo(_Model):
    index: int
    media: BoxInfo
    crop: BoxInfo | None
    bleed: BoxInfo | None
    trim: BoxInfo | None
    rotate: int


class ImageInfo(_Model):
    page: int
    name: str
    width_px: int
    height_px: int
    colour_space: str
    bits: int | None
    filter: str | None
    width_mm: float
    height_mm: float
    ppi_x: float
    ppi_y: float
    max_ink_percent: float | None = None
    ink_known: bool = False  # the ink figure is the render's own (known_ink), judged there already


class FontInfo(_Model):
    name: str
    subtype: str
    embedded: bool


class OutputIntentInfo(_Model):
    subtype: str
    condition_identifier: str | None
    has_profile: bool
    profile_components: int | None
    profile_sha256: str | None
    matches_product: bool | None


class PdfxInfo(_Model):
    info_version: str | None
    xmp_version: str | None
    trapped: str | None
    has_xmp: bool
    document_id: str | None
    instance_id: str | None
    title: str | None


class PreflightReport(_Model):
    """What the PDF holds and what is wrong with it, in the render report's finding format."""

    file: str
    size_bytes: int | None
    pdf_version: str | None
    readable: bool
    encrypted: bool
    page_count: int
    expected_pages: int | None
    pages: list[PageInfo]
    images: list[ImageInfo]
    fonts: list[FontInfo]
    output_intents: list[OutputIntentInfo]
    pdfx: PdfxInfo | None
    vector_colour_spaces: list[str]
    max_ink_percent: float | None
    findings: list[Finding]
    verdict: Verdict
