"""Render preflight: the measured risks of one slot as findings against the product's thresholds.

The texts are in vocab/locales/*.toml (six languages), keyed by finding code and variant.
"""

from __future__ import annotations

from profiles.catalogue import Preflight
from vocab.findings import Finding, Severity
from vocab.texts import finding

# Warn when more than this share of a slot stays out of gamut after black point compensation, per
# output condition (a product's `warn_out_of_gamut` overrides it). From 40 real photos rendered as
# poster-50x70 (FOGRA39) and card-a6-flat (FOGRA47), docs/FINDINGS.md / bench/findings.py: LittleCMS's
# raw share is over the old 5 % in 25 and 36 of them, mostly shadows below the press black (a night
# sky 83 %, 0.1 % after BPC). After BPC the quartiles are 0.1 / 1.4 / 12.1 % on FOGRA39 and
# 0.5 / 10 / 40 % on FOGRA47: the thresholds warn the top ~15 % and ~25 %, the photos whose saturated
# flowers, meadows and blinds really print duller (6 and 10 of 40).
OUT_OF_GAMUT_WARN = {"FOGRA39": 0.15, "FOGRA47": 0.40}
OUT_OF_GAMUT_WARN_DEFAULT = 0.15
READ_BACK_TOLERANCE = 1.0  # % of total ink: 8-bit rounding of four channels read back from a PDF


def ppi_finding(ppi: float, rules: Preflight) -> Finding | None:
    """Fail or warn below the product's ppi: on the effective ppi (source pixels per inch at print
    size, `render.geometry.effective_ppi`). printfiles.preflight.checks.image_findings judges another
    number against the same thresholds, the ppi of a raster placed in a PDF (a PDF made elsewhere has
    no source to measure), so it stays its own finding, `image-ppi`."""
    value = round(ppi, 1)
    if ppi < rules.fail_ppi:
        return finding("low-ppi", Severity.fail, "fail", measured=value, threshold=rules.fail_ppi)
    if ppi < rules.warn_ppi:
        return finding("low-ppi", Severity.warn, "warn", measured=value, threshold=rules.warn_ppi)
    return None


def upscale_finding(scale: float, rules: Preflight) -> Finding | None:
    value = round(scale, 2)
    if scale > rules.fail_upscale:
        return finding("large-upscale", Severity.fail, "fail", measured=value, threshold=rules.fail_upscale)
    if scale > rules.warn_upscale:
        return finding("large-upscale", Severity.warn, "warn", measured=value, threshold=rules.warn_upscale)
    return None


def crop_loss_finding(loss: float, rules: Preflight) -> Finding | None:
    if loss <= rules.warn_crop_loss:
        return None
    return finding(
        "crop-loss", Severity.warn, measured=round(loss, 4), threshold=rules.warn_crop_loss,
        percent=round(loss * 100, 1),
    )


def out_of_gamut_threshold(rules: Preflight, condition: str) -> float:
    """The share out of gamut after BPC above which a slot warns: the product's, else its condition's."""
    if rules.warn_out_of_gamut is not None:
        return rules.warn_out_of_gamut
    return OUT_OF_GAMUT_WARN.get(condition, OUT_OF_GAMUT_WARN_DEFAULT)


def gamut_finding(
    share: float, rules: Preflight, condition: str, visible: float | None = None
) -> Finding | None:
    """Warn when the share still out of gamut after black point compensation (`visible`; LittleCMS's
    `share` itself when not measured) is over the threshold. The finding's measured value is
    LittleCMS's share, as tificc -g marks it; the message gives both."""
    decided = share if visible is None else visible
    threshold = out_of_gamut_threshold(rules, condition)
    if decided <= threshold:
        return None
    return finding(
        "out-of-gamut", Severity.warn, measured=round(share, 4), threshold=threshold,
        percent=round(share * 100, 1), visible=round(decided * 100, 1), condition=condition,
    )


def ink_limit(rules: Preflight, total_ink_limit: float) -> float:
    """The total ink (%) over which a slot or a PDF warns: the product's `warn_ink`, else the output
    profile's total ink limit (`total_ink_limit`, or a caller's default when there is no product)."""
    return rules.warn_ink or total_ink_limit


def ink_finding(ink: float, limit: float, *, read_back: bool = False) -> Finding | None:
    """Warn when the max total ink (%) is over `limit`: the one ink rule of the render (measured on the
    slot's own CMYK) and of printfiles.preflight (`read_back`: ink read back from the PDF's images,
    whose 8-bit rounding of four channels may add READ_BACK_TOLERANCE, worded for a PDF)."""
    if ink <= limit + (READ_BACK_TOLERANCE if read_back else 0.0):
        return None
    return finding(
        "ink-coverage", Severity.warn, "pdf" if read_back else "text", measured=round(ink, 1), threshold=limit
    )


def info(code: str, measured: float | str | None) -> Finding:
    """A note for QA that needs no action (first frame used, profile assumed, alpha flattened)."""
    return finding(code, Severity.info, measured=measured)
