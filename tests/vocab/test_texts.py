"""`vocab.texts`: finding texts per language as templates over the measured value and threshold; a
missing text or language is a KeyError, never English in disguise."""

from __future__ import annotations

import pytest

from vocab.findings import Severity
from vocab.texts import LANGUAGES, finding, finding_text, message, texts


def _a_code_with_a_placeholder() -> tuple[str, str]:
    for code, variants in texts("en").items():
        for variant, template in variants.items():
            if "{value}" in template:
                return code, variant
    raise AssertionError("no finding text uses {value}")


def test_a_finding_gets_its_text_in_every_language_with_the_values():
    code, variant = _a_code_with_a_placeholder()
    made = finding(code, Severity.warn, variant, measured=123.5, threshold=150)
    assert (made.code, made.measured, made.threshold) == (code, 123.5, 150)
    for language in LANGUAGES:
        assert "123.5" in made.message.get(language)
    assert message(code, variant, value=7, threshold=8).en == finding_text(code, "en", variant, value=7, threshold=8)


def test_missing_texts_and_languages_are_key_errors():
    with pytest.raises(KeyError, match="no-such-code.text is missing in vocab/locales/de.toml"):
        finding_text("no-such-code", "de")
    with pytest.raises(KeyError, match="no finding texts for language 'pt'"):
        texts("pt")
