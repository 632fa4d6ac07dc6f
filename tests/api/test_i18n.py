"""`api.i18n`: the problem texts in six languages, Accept-Language negotiation, and validation
messages translated by error type with their values."""

from __future__ import annotations

import pytest

from api import i18n


def test_every_language_has_every_text():
    english = i18n.catalogue("en")
    for language in i18n.LANGUAGES:
        texts = i18n.catalogue(language)
        for table in ("title", "detail", "error"):
            assert set(texts[table]) == set(english[table]), (language, table)


@pytest.mark.parametrize(("header", "language"), [
    ("de-CH, fr;q=0.8", "de"), ("fr;q=0.5, it;q=0.9", "it"), ("ja, nl;q=0.1", "nl"), ("ja", "en"),
    ("es-ES", "es"), ("", "en"), ("*", "en"),
])
def test_accept_language_picks_the_best_supported_language(client, header, language):
    response = client.get("/v1/orders", headers={"Accept-Language": header})
    assert response.status_code == 401
    assert response.headers["Content-Language"] == language
    assert response.get_json()["title"] == i18n.title(401, language)


def test_validation_messages_are_translated_by_error_type_with_their_values(client, keys):
    headers = {**keys["myposter", "shop"], "Accept-Language": "de"}
    body = {"market": "DE", "currency": "EUR", "shipping_country": "DE",
            "items": [{"product": "", "quantity": 0}, {"product": "poster-50x70", "quantity": "x"}]}
    problem = client.post("/v1/quotes", json=body, headers=headers).get_json()
    assert problem["status"] == 422 and problem["title"] == "Nicht verarbeitbarer Inhalt"
    messages = {e["field"]: e["message"] for e in problem["errors"]}
    assert messages == {"items[0].product": "Muss mindestens 1 Zeichen haben.",
                        "items[0].quantity": "Muss mindestens 1 sein.",
                        "items[1].quantity": "Muss eine ganze Zahl sein."}
    french = client.post("/v1/quotes", json={"currency": "EUR"}, headers={**headers, "Accept-Language": "fr"})
    assert {e["message"] for e in french.get_json()["errors"]} == {"Obligatoire."}


def test_refusals_are_said_by_code_with_their_values():
    assert i18n.refusal("unknown-product", "english", "de", product="nope", brand="myposter") == \
        "Das Produkt „nope“ gibt es bei der Marke myposter nicht."
    assert i18n.refusal("unknown-product", "english", "en", product="nope", brand="myposter") == \
        "Unknown product 'nope' for brand myposter."


def test_a_refusal_without_a_text_or_a_value_is_the_raisers_whole_english_sentence():
    """Never a translated sentence with holes: no code, an unknown one, or a missing value -> the raiser's."""
    assert i18n.refusal(None, "the raiser's words", "fr") == "the raiser's words"
    assert i18n.refusal("no-such-code", "the raiser's words", "fr") == "the raiser's words"
    assert i18n.refusal("unknown-product", "the raiser's words", "fr", product="nope") == "the raiser's words"


def test_a_refusal_missing_in_one_language_is_said_in_english(monkeypatch):
    english = i18n.catalogue("en")
    monkeypatch.setattr(i18n, "catalogue", lambda language: english if language == "en" else {"error": {}})
    assert i18n.refusal("slot-taken", "x", "nl", slot="front") == "Slot 'front' already has a photo."
