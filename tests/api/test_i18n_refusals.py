"""The refusals of validation, the render plan and pricing, in the caller's language: an invalid
order or quote gives a 422 whose `errors[].message` follow `Accept-Language` (with `Content-Language`),
English for a language we do not speak."""

from __future__ import annotations

import pytest

from api import i18n
from tests.conftest import order_body

FOREIGN = ("de", "fr", "it", "es", "nl")
FULL = {"x": 0, "y": 0, "width": 1, "height": 1}  # the whole 600 x 800 photo: not the poster's 50 x 70


@pytest.fixture
def shop(keys):
    return keys["myposter", "shop"]


@pytest.fixture
def upload_id(client, shop, photo) -> str:
    return client.post("/v1/uploads", data=photo.read_bytes(),
                       headers={**shop, "Content-Type": "image/jpeg"}).get_json()["id"]


def _bad_order(upload_id: str) -> dict:
    """Refused by the plan (crop, wrap, text area, missing upload) and by validation (product)."""
    body = order_body(upload_id, crop=FULL)
    body["items"][0].update(wrap="mirror", texts=[{"area": "greeting", "text": "Hallo"}])
    body["items"].append({"product": "nope", "quantity": 1, "image": {"upload_id": upload_id}})
    body["items"].append({"product": "poster-50x70", "quantity": 1, "image": {"upload_id": "upl_never"}})
    return body


def _bad_quote(**item) -> dict:
    return {"market": "DE", "currency": "EUR", "shipping_country": "DE",
            "items": [{"product": "poster-50x70", "quantity": 1, **item}]}


def _said(client, url: str, body: dict, headers: dict, language: str):
    response = client.post(url, json=body, headers={**headers, "Accept-Language": language})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    return response, problem, {e["field"]: e["message"] for e in problem["errors"]}


ORDER_FIELDS = {"items[0].image.crop", "items[0].wrap", "items[0].texts[0].area", "items[1].product",
                "items[2].image.upload_id"}


@pytest.mark.parametrize("language", FOREIGN)
def test_an_invalid_order_is_refused_in_the_callers_language(client, shop, upload_id, language):
    body = _bad_order(upload_id)
    _, _, english = _said(client, "/v1/orders", body, shop, "en")
    response, problem, said = _said(client, "/v1/orders", body, shop, language)
    assert set(said) == set(english) == ORDER_FIELDS
    assert response.headers["Content-Language"] == language
    assert problem["title"] == i18n.title(422, language) != i18n.title(422, "en")
    assert problem["detail"] == i18n.detail("invalid-order", "", language, count=5)
    for field, message in said.items():
        assert message != english[field], (field, message)
    assert "0.7500" in said["items[0].image.crop"] and "500 x 700 mm" in said["items[0].image.crop"]
    assert "nope" in said["items[1].product"] and "upl_never" in said["items[2].image.upload_id"]


@pytest.mark.parametrize("item", [{"product": "nope"},
                                  {"product": "canvas-40x30", "options": {"frame_depth_mm": "30"}},
                                  {"options": {"colour": "red"}}])
@pytest.mark.parametrize("language", FOREIGN)
def test_a_quote_that_cannot_be_priced_is_refused_in_the_callers_language(client, shop, item, language):
    body = _bad_quote(**item)
    _, _, english = _said(client, "/v1/quotes", body, shop, "en")
    response, _, said = _said(client, "/v1/quotes", body, shop, language)
    assert response.headers["Content-Language"] == language
    [(field, message)] = said.items()
    assert field in english and message != english[field]


def test_the_german_texts_read_as_written(client, shop, upload_id):
    _, _, said = _said(client, "/v1/orders", _bad_order(upload_id), shop, "de-DE")
    assert said["items[1].product"] == "Das Produkt „nope“ gibt es bei der Marke myposter nicht."
    assert said["items[0].wrap"] == "Eine Kantengestaltung (`wrap`) gibt es nur bei Leinwandprodukten."
    assert said["items[0].image.crop"].startswith("Das Seitenverhältnis des Ausschnitts (0.7500,")


@pytest.mark.parametrize("language", ["pt", "pt-BR, ja;q=0.5", ""])
def test_a_language_we_do_not_speak_gets_english(client, shop, upload_id, language):
    response, problem, said = _said(client, "/v1/orders", _bad_order(upload_id), shop, language)
    assert response.headers["Content-Language"] == "en" and problem["title"] == "Unprocessable content"
    assert said["items[1].product"] == "Unknown product 'nope' for brand myposter."
    assert said["items[0].image.crop"].startswith("Crop aspect 0.7500 (width/height in pixels")
    assert said["items[0].texts[0].area"] == "'poster-50x70' has no text area 'greeting'; areas: none."


def test_a_new_image_is_refused_in_the_callers_language(client, shop, upload_id):
    """The path loses its `items[0].` but keeps the code: the refusal is still translated."""
    order = client.post("/v1/orders", json=order_body(upload_id), headers=shop).get_json()
    url = f"/v1/orders/{order['id']}/items/{order['items'][0]['id']}/image"
    response = client.post(url, json={"image": {"upload_id": upload_id, "crop": FULL}},
                           headers={**shop, "Accept-Language": "fr"})
    assert response.status_code == 422 and response.headers["Content-Language"] == "fr"
    [error] = response.get_json()["errors"]
    assert error["field"] == "image.crop" and error["message"].startswith("Les proportions du recadrage")
    missing = client.post(f"/v1/orders/{order['id']}/items/itm_nope/image",
                          json={"image": {"upload_id": upload_id}},
                          headers={**shop, "Accept-Language": "es"}).get_json()
    assert missing["detail"] == f"El pedido {order['id']} no tiene el artículo itm_nope."


def test_a_conflicting_order_is_refused_in_the_callers_language(client, shop, upload_id):
    assert client.post("/v1/orders", json=order_body(upload_id), headers=shop).status_code == 201
    changed = order_body(upload_id)
    changed["items"][0]["quantity"] = 2
    response = client.post("/v1/orders", json=changed, headers={**shop, "Accept-Language": "nl"})
    problem = response.get_json()
    assert response.status_code == 409 and response.headers["Content-Language"] == "nl"
    assert problem["errors"] == [{"field": "external_id", "message": "Er bestaat al een bestelling met "
                                  "external_id ‘MP-2026-000123’ en een andere inhoud."}]
    assert problem["detail"].startswith(f"Het verzoek botst met bestelling {problem['order_id']}")


@pytest.mark.parametrize("vat_id, market, code", [
    (None, "DE", "vat-id-missing"),
    ("ATU13585628", "DE", "eu-vat-id-check-digit"),  # ATU13585627 with its check digit changed
    ("ATU1358562", "DE", "eu-vat-id-length"),
    ("CHE-116.281.711", "CH", "swiss-vat-id-check-digit"),
    ("ABC", "CH", "swiss-vat-id-format"),
])
@pytest.mark.parametrize("language", FOREIGN)
def test_a_business_quote_with_a_wrong_vat_id_is_refused_in_the_callers_language(client, shop, vat_id, market,
                                                                                 code, language):
    currency = "CHF" if market == "CH" else "EUR"
    body = {**_bad_quote(), "market": market, "currency": currency, "shipping_country": market,
            "customer": {"type": "b2b", "vat_id": vat_id, "company": "Beispiel GmbH"}}
    _, _, english = _said(client, "/v1/quotes", body, shop, "en")
    response, _, said = _said(client, "/v1/quotes", body, shop, language)
    assert response.headers["Content-Language"] == language
    assert said["customer.vat_id"] == i18n.refusal(code, "", language, vat_id=vat_id or "")
    assert said["customer.vat_id"] != english["customer.vat_id"]
    if vat_id:
        assert vat_id in said["customer.vat_id"]


@pytest.mark.parametrize("language", FOREIGN)
def test_a_crop_outside_the_image_is_refused_in_the_callers_language(client, shop, upload_id, language):
    body = order_body(upload_id, crop={"x": 0.5, "y": 0, "width": 0.6, "height": 0.8})
    _, _, english = _said(client, "/v1/orders", body, shop, "en")
    response, _, said = _said(client, "/v1/orders", body, shop, language)
    [field] = said
    assert field == "items[0].image.crop" and response.headers["Content-Language"] == language
    assert said[field] == i18n.text("error", "crop_outside_image", language) != english[field]
    assert english[field].startswith("The crop rectangle must lie inside the image")
