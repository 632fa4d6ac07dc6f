"""Findings of the PDF preflight, in the render report's format (code, severity, value, threshold,
message in six languages from vocab/locales/*.toml)."""

from __future__ import annotations

from pathlib import Path

from printfiles.preflight.models import BoxInfo, ImageInfo, OutputIntentInfo, PageInfo, PdfxInfo
from profiles.catalogue import Preflight, Product
from vocab.findings import Finding, Severity
from vocab.texts import finding

BOX_TOLERANCE_MM = 0.01


SIZE_TOLERANCE_MM = 0.05


def contains(outer: BoxInfo, inner: BoxInfo, tol: float = BOX_TOLERANCE_MM) -> bool:
    return (
        inner.x_mm >= outer.x_mm - tol
        and inner.y_mm >= outer.y_mm - tol
        and inner.x_mm + inner.width_mm <= outer.x_mm + outer.width_mm + tol
        and inner.y_mm + inner.height_mm <= outer.y_mm + outer.height_mm + tol
    )


def warning_findings(path: Path, warnings: list[str]) -> list[Finding]:
    """qpdf's complaints while reading: a repaired (damaged) file fails, anything else warns."""
    if not warnings:
        return []
    first = warnings[0].replace(f"{path}: ", "")
    if any("damaged" in w or "reconstruct" in w for w in warnings):
        return [
            finding("pdf-damaged", Severity.fail, "repaired", measured=len(warnings), first=first)
        ]
    return [
        finding("pdf-warnings", Severity.warn, measured=len(warnings), first=first)
    ]


def box_findings(info: PageInfo, expected_page, product: Product | None) -> list[Finding]:
    findings = []
    n = info.index + 1
    if info.trim is None or info.bleed is None:
        missing = [k for k, v in (("TrimBox", info.trim), ("BleedBox", info.bleed)) if v is None]
        findings.append(
            finding("box-missing", Severity.warn, "both" if len(missing) > 1 else "one",
                    measured=",".join(missing), page=n)
        )
    trim = info.trim or info.crop or info.media
    bleed = info.bleed or info.crop or info.media
    if not (contains(info.media, bleed) and contains(bleed, trim)):
        findings.append(
            finding("box-nesting", Severity.fail, page=n)
        )
    if expected_page is not None and product is not None:
        want = {
            (round(expected_page.width_mm, 2), round(expected_page.height_mm, 2)),
            (round(expected_page.height_mm, 2), round(expected_page.width_mm, 2)),
        }
        got = (trim.width_mm, trim.height_mm)
        if not any(
            abs(got[0] - w) <= SIZE_TOLERANCE_MM and abs(got[1] - h) <= SIZE_TOLERANCE_MM for w, h in want
        ):
            findings.append(
                finding(
                    "page-size",
                    Severity.fail,
                    measured=f"{got[0]:.2f}x{got[1]:.2f}",
                    threshold=f"{expected_page.width_mm:g}x{expected_page.height_mm:g}",
                    page=n, width=got[0], height=got[1], product=product.id,
                    want_width=expected_page.width_mm, want_height=expected_page.height_mm,
                )
            )
        if info.bleed is not None and product.bleed_mm > 0:
            have = min(
                trim.x_mm - bleed.x_mm,
                trim.y_mm - bleed.y_mm,
                bleed.x_mm + bleed.width_mm - trim.x_mm - trim.width_mm,
                bleed.y_mm + bleed.height_mm - trim.y_mm - trim.height_mm,
            )
            if have + BOX_TOLERANCE_MM < product.bleed_mm:
                findings.append(
                    finding("bleed-short", Severity.fail, measured=round(have, 3), threshold=product.bleed_mm,
                            page=n, value=have)
                )
    return findings


def image_findings(images: list[ImageInfo], thresholds: Preflight) -> list[Finding]:
    """Per placed image: too few ppi, RGB. The ppi is the raster's on the page, read from the PDF (what
    a press gets from any PDF), not the source's effective ppi `render.preflight.ppi_finding` judges
    against the same thresholds, so the two are separate findings (`image-ppi`, `low-ppi`)."""
    findings = []
    for im in images:
        where = {"page": im.page + 1, "image": im.name}
        ppi = min(im.ppi_x, im.ppi_y)
        if im.width_px > 1 and im.height_px > 1 and ppi > 0:
            if ppi < thresholds.fail_ppi:
                findings.append(
                    finding("image-ppi", Severity.fail, "fail", measured=round(ppi, 1),
                            threshold=thresholds.fail_ppi, value=ppi, **where)
                )
            elif ppi < thresholds.warn_ppi:
                findings.append(
                    finding("image-ppi", Severity.warn, "warn", measured=round(ppi, 1),
                            threshold=thresholds.warn_ppi, value=ppi, **where)
                )
        if im.colour_space in ("DeviceRGB", "Indexed(DeviceRGB)", "CalRGB"):
            findings.append(
                finding("image-rgb", Severity.fail, "fail", measured=im.colour_space, threshold="DeviceCMYK",
                        **where)
            )
        elif "RGB" in im.colour_space:
            findings.append(
                finding("image-rgb", Severity.warn, "warn", measured=im.colour_space, threshold="DeviceCMYK",
                        **where)
            )
    return findings


def intent_findings(intents: list[OutputIntentInfo], product: Product | None) -> list[Finding]:
    pdfx = [i for i in intents if i.subtype == "GTS_PDFX"]
    if not pdfx:
        return [
            finding("output-intent-missing", Severity.fail)
        ]
    intent = pdfx[0]
    if not intent.has_profile:
        return [
            finding("output-intent-profile", Severity.warn, "none", measured=intent.condition_identifier)
        ]
    if product is not None and intent.matches_product is False:
        return [
            finding("output-intent-profile", Severity.fail, "mismatch", measured=intent.condition_identifier,
                    threshold=product.profile.condition_identifier)
        ]
    return []


def pdfx_findings(pdfx: PdfxInfo) -> list[Finding]:
    findings = []
    if pdfx.info_version is None and pdfx.xmp_version is None:
        findings.append(
            finding("pdfx-version", Severity.warn, "missing")
        )
    elif pdfx.info_version != pdfx.xmp_version:
        findings.append(
            finding("pdfx-version", Severity.warn, "differs", measured=str(pdfx.info_version),
                    threshold=str(pdfx.xmp_version))
        )
    if pdfx.trapped not in ("True", "False"):
        findings.append(
            finding("trapped", Severity.warn, measured=pdfx.trapped)
        )
    return findings
