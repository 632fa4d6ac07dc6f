"""Translations of the order documents (packing slip, VAT notes) and the babel locale of an order.

One TOML file per language (`de.toml`, ...): top-level keys are the texts, a table named after a
market code (`[CH]`) overrides keys there (Swiss German writes "MWST", not "MwSt."). Every
language has every key (tested); a missing key is a KeyError, never a silently English text.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError

FOLDER = Path(__file__).parent
LANGUAGES = ("de", "en", "fr", "it", "es", "nl")


@cache
def _raw(language: str) -> dict:
    if language not in LANGUAGES:
        raise KeyError(f"no translations for language {language!r}; have {list(LANGUAGES)}")
    with (FOLDER / f"{language}.toml").open("rb") as fh:
        return tomllib.load(fh)


def base_keys(language: str) -> set[str]:
    """The text keys of a language (without market overrides)."""
    return {k for k, v in _raw(language).items() if isinstance(v, str)}


def overrides(language: str) -> dict[str, dict[str, str]]:
    """Market code -> overridden texts."""
    return {k: v for k, v in _raw(language).items() if isinstance(v, dict)}


def messages(language: str, market: str | None = None) -> dict[str, str]:
    """All texts of `language`, with the overrides of `market` applied."""
    raw = _raw(language)
    texts = {k: v for k, v in raw.items() if isinstance(v, str)}
    if market and isinstance(raw.get(market), dict):
        texts.update(raw[market])
    return texts


def text(key: str, language: str, market: str | None = None, **values: str) -> str:
    """One text, formatted with `values` (e.g. vat="MwSt.")."""
    texts = messages(language, market)
    if key not in texts:
        raise KeyError(f"text {key!r} is missing in {language}.toml")
    return texts[key].format(**values) if values else texts[key]


def babel_locale(language: str, market: str) -> Locale:
    """The babel locale for amounts and dates: de_CH, fr_BE, ...; LI falls back to the Swiss one."""
    for candidate in (f"{language}_{market}", f"{language}_CH" if market == "LI" else None, language):
        if candidate is None:
            continue
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    raise KeyError(f"babel has no locale for {language!r}")
