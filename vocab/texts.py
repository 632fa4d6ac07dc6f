"""The texts of the findings in the six languages, from `vocab/locales/{language}.toml`.

One table per finding code, one key per variant of it ("text" when there is one, else e.g. "fail" /
"warn"); a text is a `str.format` template over {value} and {threshold} (the finding's measured
value and threshold) and the named values the check passes. Every language has every text with the
same placeholders (tests/test_finding_texts.py); a missing one is a KeyError, never English in
disguise. Here, not in `orders/locales`, because the render engine and the PDF preflight must not
depend on the order rules.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from vocab.findings import Finding, Message, Severity

FOLDER = Path(__file__).parent / "locales"
LANGUAGES = ("en", "de", "fr", "it", "es", "nl")


@cache
def texts(language: str) -> dict[str, dict[str, str]]:
    """Code -> variant -> template of one language."""
    if language not in LANGUAGES:
        raise KeyError(f"no finding texts for language {language!r}; have {list(LANGUAGES)}")
    with (FOLDER / f"{language}.toml").open("rb") as fh:
        return tomllib.load(fh)


def finding_text(code: str, language: str, variant: str = "text", **values: Any) -> str:
    """One finding's text in `language`, formatted with `values` (value=, threshold=, ...)."""
    variants = texts(language).get(code)
    if variants is None or variant not in variants:
        raise KeyError(f"finding text {code}.{variant} is missing in vocab/locales/{language}.toml")
    return variants[variant].format(**values)


def message(code: str, variant: str = "text", **values: Any) -> Message:
    """The finding's text in every language."""
    return Message(**{language: finding_text(code, language, variant, **values) for language in LANGUAGES})


def finding(
    code: str,
    severity: Severity,
    variant: str = "text",
    *,
    measured: float | str | None = None,
    threshold: float | str | None = None,
    **values: Any,
) -> Finding:
    """A finding whose message is the locale text `code`.`variant`; the text sees the measured value
    as {value} and the threshold as {threshold} unless `values` gives them otherwise."""
    values = {"value": measured, "threshold": threshold, **values}
    return Finding(
        code=code, severity=severity, measured=measured, threshold=threshold,
        message=message(code, variant, **values),
    )
