"""Render preflight: the measured risks of one slot as findings against the product's thresholds."""

from __future__ import annotations

from profiles.catalogue import Preflight
from render.findings import Finding, Message, Severity


def _finding(
    code: str,
    severity: Severity,
    measured: float | str | None,
    threshold: float | str | None,
    en: str,
    de: str,
) -> Finding:
    return Finding(
        code=code, severity=severity, measured=measured, threshold=threshold, message=Message(en=en, de=de)
    )


def ppi_finding(ppi: float, rules: Preflight) -> Finding | None:
    value = round(ppi, 1)
    if ppi < rules.fail_ppi:
        return _finding(
            "low-ppi",
            Severity.fail,
            value,
            rules.fail_ppi,
            f"The photo has only {value:.0f} ppi at print size (minimum {rules.fail_ppi:.0f}); "
            "choose a larger photo or a smaller product.",
            f"Das Foto hat im Druck nur {value:.0f} ppi (Minimum {rules.fail_ppi:.0f}); "
            "bitte ein größeres Foto oder ein kleineres Format wählen.",
        )
    if ppi < rules.warn_ppi:
        return _finding(
            "low-ppi",
            Severity.warn,
            value,
            rules.warn_ppi,
            f"The photo has {value:.0f} ppi at print size (below {rules.warn_ppi:.0f}); it may look soft.",
            f"Das Foto hat im Druck {value:.0f} ppi (unter {rules.warn_ppi:.0f}); es kann unscharf wirken.",
        )
    return None


def upscale_finding(scale: float, rules: Preflight) -> Finding | None:
    value = round(scale, 2)
    if scale > rules.fail_upscale:
        return _finding(
            "large-upscale",
            Severity.fail,
            value,
            rules.fail_upscale,
            f"The photo must be enlarged {value:.1f}x (limit {rules.fail_upscale:.1f}x); "
            "choose a larger photo or a smaller product.",
            f"Das Foto müsste {value:.1f}-fach vergrößert werden (Grenze {rules.fail_upscale:.1f}-fach); "
            "bitte ein größeres Foto oder ein kleineres Format wählen.",
        )
    if scale > rules.warn_upscale:
        return _finding(
            "large-upscale",
            Severity.warn,
            value,
            rules.warn_upscale,
            f"The photo is enlarged {value:.1f}x (over {rules.warn_upscale:.1f}x); fine detail will be soft.",
            f"Das Foto wird {value:.1f}-fach vergrößert (über {rules.warn_upscale:.1f}-fach); "
            "feine Details werden weich.",
        )
    return None


def crop_loss_finding(loss: float, rules: Preflight) -> Finding | None:
    if loss <= rules.warn_crop_loss:
        return None
    pct = round(loss * 100, 1)
    return _finding(
        "crop-loss",
        Severity.warn,
        round(loss, 4),
        rules.warn_crop_loss,
        f"The crop cuts away {pct:.0f} % of the photo; check that nothing important is lost.",
        f"Der Zuschnitt schneidet {pct:.0f} % des Fotos ab; bitte prüfen, ob nichts Wichtiges fehlt.",
    )


def gamut_finding(share: float, rules: Preflight, condition: str) -> Finding | None:
    if share <= rules.warn_out_of_gamut:
        return None
    pct = round(share * 100, 1)
    return _finding(
        "out-of-gamut",
        Severity.warn,
        round(share, 4),
        rules.warn_out_of_gamut,
        f"{pct:.1f} % of the photo's colours cannot be printed exactly on {condition}; "
        "bright colours will look duller.",
        f"{pct:.1f} % der Farben des Fotos sind mit {condition} nicht exakt druckbar; "
        "leuchtende Farben wirken matter.",
    )


def ink_finding(ink: float, limit: float) -> Finding | None:
    if ink <= limit:
        return None
    value = round(ink, 1)
    return _finding(
        "ink-coverage",
        Severity.warn,
        value,
        limit,
        f"Total ink reaches {value:.0f} % (limit {limit:.0f} %); dark areas may smear or dry slowly.",
        f"Der Gesamtfarbauftrag erreicht {value:.0f} % (Grenze {limit:.0f} %); dunkle Flächen "
        "können schmieren oder langsam trocknen.",
    )


def info(code: str, measured: float | str | None, en: str, de: str) -> Finding:
    """A note for QA that needs no action (first frame used, profile assumed, alpha flattened)."""
    return _finding(code, Severity.info, measured, None, en, de)
