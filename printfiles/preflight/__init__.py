"""Preflight of any PDF: read it back and report what a press cares about, as JSON.

Runs on our own print files after every render and on PDFs made elsewhere. It never raises on
a bad file: an unreadable, truncated or encrypted PDF is a `fail` finding.

Image resolution comes from the content stream: the current transformation matrix (q/Q/cm,
form XObjects with their /Matrix) at each `Do` gives the image's size on the page (reading.py).
Total ink is measured on a reduced decode of each CMYK image, read straight from the file in
chunks (ink.py), so memory does not grow with the print size.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pikepdf

from printfiles.preflight.checks import (
    box_findings,
    image_findings,
    intent_findings,
    pdfx_findings,
    warning_findings,
)
from printfiles.preflight.models import (
    BoxInfo,
    FontInfo,
    ImageInfo,
    OutputIntentInfo,
    PageInfo,
    PdfxInfo,
    PreflightReport,
)
from printfiles.preflight.reading import (
    IDENTITY,
    box,
    font_infos,
    image_info,
    inherited,
    output_intents,
    pdfx_info,
    placed_images,
)
from profiles.catalogue import Preflight, Product
from render.preflight import ink_finding, ink_limit
from vocab.findings import Finding, Severity, verdict
from vocab.texts import finding

__all__ = [
    "BoxInfo",
    "FontInfo",
    "ImageInfo",
    "OutputIntentInfo",
    "PageInfo",
    "PdfxInfo",
    "PreflightReport",
    "preflight_pdf",
]


def _broken(
    path: Path, size: int | None, code: str, variant: str = "text", encrypted: bool = False, **values: str
) -> PreflightReport:
    findings = [finding(code, Severity.fail, variant, **values)]
    return PreflightReport(
        file=str(path),
        size_bytes=size,
        pdf_version=None,
        readable=False,
        encrypted=encrypted,
        page_count=0,
        expected_pages=None,
        pages=[],
        images=[],
        fonts=[],
        output_intents=[],
        pdfx=None,
        vector_colour_spaces=[],
        max_ink_percent=None,
        findings=findings,
        verdict=verdict(findings),
    )


def preflight_pdf(path: Path, product: Product | None = None, *,
                  known_ink: Mapping[str, float] | None = None) -> PreflightReport:
    """Read any PDF back and judge it (against the product, if given); never raises on a bad file.

    `known_ink` maps the SHA-256 of an image stream to its max total ink as measured already (the
    render's own measurement of the rasters build_item embedded); other images are decoded."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return _broken(path, None, "pdf-missing", reason=exc.strerror)
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return _broken(path, size, "pdf-encrypted", "password", encrypted=True)
    except Exception as exc:  # noqa: BLE001 - any parser failure is a verdict, not a crash
        return _broken(path, size, "pdf-unreadable", error=type(exc).__name__)
    with pdf:
        try:
            return _inspect(path, size, pdf, product, known_ink)
        except Exception as exc:  # noqa: BLE001 - damaged objects deep inside: still a verdict
            return _broken(path, size, "pdf-damaged", "error", error=type(exc).__name__, detail=str(exc))


def _read_pages(path: Path, pdf: pikepdf.Pdf, product: Product | None, known_ink: Mapping[str, float] | None,
                findings: list[Finding], vector_colours: set[str]) -> tuple[list[PageInfo], list[ImageInfo]]:
    """Each page's boxes (checked against the product's layout) and the images placed on it."""
    pages: list[PageInfo] = []
    images: list[ImageInfo] = []
    expected = product.layout() if product is not None else None
    for index, page in enumerate(pdf.pages):
        media = box(page.obj, "/MediaBox") or box(
            pikepdf.Dictionary(MediaBox=inherited(page, "/MediaBox")), "/MediaBox"
        )
        if media is None:
            findings.append(finding("box-missing", Severity.fail, "media", page=index + 1))
            continue
        info = PageInfo(index=index, media=media, crop=box(page.obj, "/CropBox"), bleed=box(page.obj, "/BleedBox"),
                        trim=box(page.obj, "/TrimBox"), rotate=int(inherited(page, "/Rotate") or 0))
        pages.append(info)
        findings.extend(
            box_findings(info, expected[index] if expected and index < len(expected) else None, product)
        )
        resources = inherited(page, "/Resources")
        for name, image, ctm, inline in placed_images(page, resources, IDENTITY, colours=vector_colours):
            images.append(image_info(path, pdf, index, name, image, ctm, inline, known_ink))
    return pages, images


def _ink_finding(images: list[ImageInfo], thresholds: Preflight, product: Product | None) -> Finding | None:
    """Ink the render measured (known_ink) was judged by the render's own finding; judge the rest by
    the same rule (`render.preflight.ink_finding`, with the read-back tolerance)."""
    measured = [i.max_ink_percent for i in images if i.max_ink_percent is not None and not i.ink_known]
    if not measured:
        return None
    limit = ink_limit(thresholds, product.profile.total_ink_limit if product is not None else 300.0)
    return ink_finding(max(measured), limit, read_back=True)


def _inspect(path: Path, size: int, pdf: pikepdf.Pdf, product: Product | None,
             known_ink: Mapping[str, float] | None = None) -> PreflightReport:
    findings: list[Finding] = []
    thresholds: Preflight = product.preflight if product is not None else Preflight()
    if pdf.is_encrypted:
        findings.append(finding("pdf-encrypted", Severity.fail))
    vector_colours: set[str] = set()
    expected = product.layout() if product is not None else None
    pages, images = _read_pages(path, pdf, product, known_ink, findings, vector_colours)
    if expected is not None and len(pdf.pages) != len(expected):
        findings.append(
            finding("page-count", Severity.fail, measured=len(pdf.pages), threshold=len(expected),
                    product=product.id)
        )
    findings.extend(image_findings(images, thresholds))
    rgb = sorted(c for c in vector_colours if "RGB" in c)
    if rgb:
        findings.append(
            finding("vector-rgb", Severity.warn, measured=", ".join(rgb), threshold="DeviceCMYK")
        )
    fonts = font_infos(pdf)
    for font in fonts:
        if not font.embedded:
            findings.append(finding("font-not-embedded", Severity.fail, measured=font.name))
    intents = output_intents(pdf, product)
    findings.extend(intent_findings(intents, product))
    pdfx = pdfx_info(pdf)
    findings.extend(pdfx_findings(pdfx))
    findings.extend(warning_findings(path, pdf.get_warnings()))
    inks = [i.max_ink_percent for i in images if i.max_ink_percent is not None]
    max_ink = max(inks) if inks else None
    ink = _ink_finding(images, thresholds, product)
    if ink is not None:
        findings.append(ink)
    return PreflightReport(
        file=str(path),
        size_bytes=size,
        pdf_version=str(pdf.pdf_version),
        readable=True,
        encrypted=pdf.is_encrypted,
        page_count=len(pdf.pages),
        expected_pages=len(expected) if expected is not None else None,
        pages=pages,
        images=images,
        fonts=fonts,
        output_intents=intents,
        pdfx=pdfx,
        vector_colour_spaces=sorted(vector_colours),
        max_ink_percent=max_ink,
        findings=findings,
        verdict=verdict(findings),
    )
