"""Findings of the PDF preflight, in the render report's format (code, severity, value, threshold,
message in English and German)."""

from __future__ import annotations

from pathlib import Path

from printfiles.preflight.models import BoxInfo, ImageInfo, OutputIntentInfo, PageInfo, PdfxInfo
from profiles.catalogue import Preflight, Product
from render.findings import Finding, Message, Severity

BOX_TOLERANCE_MM = 0.01


SIZE_TOLERANCE_MM = 0.05


def finding(code: str, severity: Severity, en: str, de: str, measured=None, threshold=None) -> Finding:
    return Finding(
        code=code, severity=severity, measured=measured, threshold=threshold, message=Message(en=en, de=de)
    )


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
            finding(
                "pdf-damaged",
                Severity.fail,
                f"The PDF is damaged and had to be repaired ({first}); export it again.",
                f"Das PDF ist beschädigt und musste repariert werden ({first}); bitte neu exportieren.",
                measured=len(warnings),
            )
        ]
    return [
        finding(
            "pdf-warnings",
            Severity.warn,
            f"The PDF has {len(warnings)} structural problem(s), e.g. {first}.",
            f"Das PDF hat {len(warnings)} Strukturfehler, z. B. {first}.",
            measured=len(warnings),
        )
    ]


def box_findings(info: PageInfo, expected_page, product: Product | None) -> list[Finding]:
    findings = []
    n = info.index + 1
    if info.trim is None or info.bleed is None:
        missing = [k for k, v in (("TrimBox", info.trim), ("BleedBox", info.bleed)) if v is None]
        findings.append(
            finding(
                "box-missing",
                Severity.warn,
                f"Page {n} has no {' or '.join(missing)}.",
                f"Seite {n} hat keine {' oder '.join(missing)}.",
                measured=",".join(missing),
            )
        )
    trim = info.trim or info.crop or info.media
    bleed = info.bleed or info.crop or info.media
    if not (contains(info.media, bleed) and contains(bleed, trim)):
        findings.append(
            finding(
                "box-nesting",
                Severity.fail,
                f"Page {n}: boxes must nest MediaBox ⊇ BleedBox ⊇ TrimBox.",
                f"Seite {n}: Boxen müssen MediaBox ⊇ BleedBox ⊇ TrimBox verschachtelt sein.",
            )
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
                    f"Page {n} trims to {got[0]:.2f} x {got[1]:.2f} mm; {product.id} needs "
                    f"{expected_page.width_mm:g} x {expected_page.height_mm:g} mm.",
                    f"Seite {n} hat Endformat {got[0]:.2f} x {got[1]:.2f} mm; {product.id} braucht "
                    f"{expected_page.width_mm:g} x {expected_page.height_mm:g} mm.",
                    measured=f"{got[0]:.2f}x{got[1]:.2f}",
                    threshold=f"{expected_page.width_mm:g}x{expected_page.height_mm:g}",
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
                    finding(
                        "bleed-short",
                        Severity.fail,
                        f"Page {n} has {have:.2f} mm bleed; needs {product.bleed_mm:g} mm.",
                        f"Seite {n} hat {have:.2f} mm Beschnitt; nötig sind {product.bleed_mm:g} mm.",
                        measured=round(have, 3),
                        threshold=product.bleed_mm,
                    )
                )
    return findings


def image_findings(images: list[ImageInfo], thresholds: Preflight) -> list[Finding]:
    findings = []
    for im in images:
        where = f"page {im.page + 1}, image {im.name}"
        wo = f"Seite {im.page + 1}, Bild {im.name}"
        ppi = min(im.ppi_x, im.ppi_y)
        if im.width_px > 1 and im.height_px > 1 and ppi > 0:
            if ppi < thresholds.fail_ppi:
                findings.append(
                    finding(
                        "image-ppi",
                        Severity.fail,
                        f"{where}: {ppi:.0f} ppi, below {thresholds.fail_ppi:g}.",
                        f"{wo}: {ppi:.0f} ppi, unter {thresholds.fail_ppi:g}.",
                        measured=round(ppi, 1),
                        threshold=thresholds.fail_ppi,
                    )
                )
            elif ppi < thresholds.warn_ppi:
                findings.append(
                    finding(
                        "image-ppi",
                        Severity.warn,
                        f"{where}: {ppi:.0f} ppi, below {thresholds.warn_ppi:g}.",
                        f"{wo}: {ppi:.0f} ppi, unter {thresholds.warn_ppi:g}.",
                        measured=round(ppi, 1),
                        threshold=thresholds.warn_ppi,
                    )
                )
        if im.colour_space in ("DeviceRGB", "Indexed(DeviceRGB)", "CalRGB"):
            findings.append(
                finding(
                    "image-rgb",
                    Severity.fail,
                    f"{where} is {im.colour_space} without a profile; convert it to CMYK for this press.",
                    f"{wo} ist {im.colour_space} ohne Profil; bitte nach CMYK wandeln.",
                    measured=im.colour_space,
                    threshold="DeviceCMYK",
                )
            )
        elif "RGB" in im.colour_space:
            findings.append(
                finding(
                    "image-rgb",
                    Severity.warn,
                    f"{where} is {im.colour_space}; the RIP will convert it.",
                    f"{wo} ist {im.colour_space}; der RIP wandelt es um.",
                    measured=im.colour_space,
                    threshold="DeviceCMYK",
                )
            )
    return findings


def intent_findings(intents: list[OutputIntentInfo], product: Product | None) -> list[Finding]:
    pdfx = [i for i in intents if i.subtype == "GTS_PDFX"]
    if not pdfx:
        return [
            finding(
                "output-intent-missing",
                Severity.fail,
                "No PDF/X output intent: the printing condition is unknown.",
                "Kein PDF/X-Output-Intent: die Druckbedingung ist unbekannt.",
            )
        ]
    intent = pdfx[0]
    if not intent.has_profile:
        return [
            finding(
                "output-intent-profile",
                Severity.warn,
                "The output intent names no embedded ICC profile.",
                "Der Output-Intent enthält kein ICC-Profil.",
                measured=intent.condition_identifier,
            )
        ]
    wanted = product.profile.condition_identifier if product is not None else None
    if product is not None and intent.matches_product is False:
        return [
            finding(
                "output-intent-profile",
                Severity.fail,
                f"Output intent {intent.condition_identifier} is not {wanted}.",
                f"Output-Intent {intent.condition_identifier} ist nicht {wanted}.",
                measured=intent.condition_identifier,
                threshold=product.profile.condition_identifier,
            )
        ]
    return []


def pdfx_findings(pdfx: PdfxInfo) -> list[Finding]:
    findings = []
    if pdfx.info_version is None and pdfx.xmp_version is None:
        findings.append(
            finding(
                "pdfx-version",
                Severity.warn,
                "Not marked as PDF/X (GTS_PDFXVersion missing).",
                "Nicht als PDF/X gekennzeichnet (GTS_PDFXVersion fehlt).",
            )
        )
    elif pdfx.info_version != pdfx.xmp_version:
        findings.append(
            finding(
                "pdfx-version",
                Severity.warn,
                f"PDF/X version differs: Info {pdfx.info_version}, XMP {pdfx.xmp_version}.",
                f"PDF/X-Version uneinheitlich: Info {pdfx.info_version}, XMP {pdfx.xmp_version}.",
                measured=str(pdfx.info_version),
                threshold=str(pdfx.xmp_version),
            )
        )
    if pdfx.trapped not in ("True", "False"):
        findings.append(
            finding(
                "trapped",
                Severity.warn,
                "The /Trapped key is missing or Unknown.",
                "Der /Trapped-Eintrag fehlt oder ist Unknown.",
                measured=pdfx.trapped,
            )
        )
    return findings
