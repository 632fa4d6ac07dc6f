"""Translations: every key in every language, same placeholders, VAT named as each language names it."""

from __future__ import annotations

import string

import pytest

from orders.locales import LANGUAGES, babel_locale, base_keys, messages, overrides, text


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_in_every_language():
    reference = base_keys("en")
    assert len(reference) > 20
    for language in LANGUAGES:
        assert base_keys(language) == reference, language


def test_overrides_only_known_keys_and_same_placeholders():
    english = messages("en")
    for language in LANGUAGES:
        texts = messages(language)
        for key, value in texts.items():
            assert value.strip(), (language, key)
            assert placeholders(value) == placeholders(english[key]), (language, key)
        for market, table in overrides(language).items():
            assert set(table) <= set(texts), (language, market)
            for key, value in table.items():
                assert placeholders(value) == placeholders(english[key])


@pytest.mark.parametrize(
    ("language", "market", "vat"),
    [
        ("de", "DE", "MwSt."),
        ("de", "AT", "MwSt."),
        ("de", "CH", "MWST"),
        ("de", "LI", "MWST"),
        ("en", "DE", "VAT"),
        ("fr", "FR", "TVA"),
        ("fr", "CH", "TVA"),
        ("it", "IT", "IVA"),
        ("es", "ES", "IVA"),
        ("nl", "NL", "btw"),
        ("nl", "BE", "btw"),
    ],
)
def test_vat_names(language, market, vat):
    assert text("vat", language, market) == vat


def test_missing_language_or_key():
    with pytest.raises(KeyError):
        text("vat", "pl")
    with pytest.raises(KeyError, match="missing"):
        text("no_such_key", "de")


@pytest.mark.parametrize(
    ("language", "market", "locale"),
    [
        ("de", "DE", "de_DE"),
        ("de", "CH", "de_CH"),
        ("fr", "CH", "fr_CH"),
        ("it", "CH", "it_CH"),
        ("fr", "BE", "fr_BE"),
        ("nl", "BE", "nl_BE"),
        ("de", "AT", "de_AT"),
        ("de", "LU", "de_LU"),
        ("fr", "LU", "fr_LU"),
        ("de", "LI", "de_LI"),
        ("es", "ES", "es_ES"),
        ("it", "IT", "it_IT"),
        ("nl", "NL", "nl_NL"),
        ("fr", "FR", "fr_FR"),
    ],
)
def test_babel_locale(language, market, locale):
    assert str(babel_locale(language, market)) == locale
