"""`orders.reasons`: a stable code per reason and its text in the reader's language (English otherwise)."""

from __future__ import annotations

import pytest

from orders.locales import LANGUAGES
from orders.reasons import ReasonCode, message, messages


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_code_has_a_distinct_text_in_every_language(code):
    texts = messages(code)
    assert set(texts) == set(LANGUAGES) and all(texts.values())
    assert len(set(texts.values())) > 1  # translated, not English everywhere


def test_codes_are_kebab_case_and_map_to_their_text():
    assert ReasonCode.image_problem == "image-problem"
    assert message("image-problem", "de").startswith("Das Foto oder Layout")
    assert message("source-missing", "en").startswith("The uploaded photo could not be found")


def test_an_unknown_language_falls_back_to_english():
    assert message("cancelled", "pt") == message("cancelled", "en")
