"""`api.app.create_app`: one app per set of services (nothing global), the OpenAPI 3.1 document from the
request models, the upload limit from the settings, and JSON answers that keep non-ASCII text."""

from __future__ import annotations

from tests.conftest import order_body


def test_openapi_31_is_generated_from_the_request_models(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    order_schema = spec["components"]["schemas"]["OrderSpec"]
    assert {"external_id", "market", "items"} <= set(order_schema["required"])
    assert "/v1/uploads" in spec["paths"] and "/v1/jobs/{job_id}/printfile" in spec["paths"]
    assert "BearerAuth" in spec["components"]["securitySchemes"]


def test_each_app_answers_from_its_own_services(services, keys):
    from api.app import create_app
    from api.context import EXTENSION

    small = services.settings.model_copy(update={"max_upload_bytes": 2000})
    first = create_app(services)
    services.settings = small
    second = create_app(services)
    assert first.extensions[EXTENSION] is services and second.extensions[EXTENSION] is services
    assert first.config["MAX_CONTENT_LENGTH"] != second.config["MAX_CONTENT_LENGTH"] == 2000
    big = b"\xff\xd8\xff" + b"\0" * 5000
    refused = second.test_client().post("/v1/uploads", data=big,
                                        headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg"})
    assert refused.status_code == 413 and refused.mimetype == "application/problem+json"
    assert refused.get_json()["code"] == "upload-too-large"


def test_json_answers_keep_non_ascii_text(client, keys, photo):
    shop = keys["myposter", "shop"]
    upload = client.post("/v1/uploads", data=photo.read_bytes(), headers={**shop, "Content-Type": "image/jpeg"})
    body = order_body(upload.get_json()["id"])
    body["shipping_address"]["name"] = "Jürgen Weiß"
    job_id = client.post("/v1/orders", json=body, headers=shop).get_json()["items"][0]["job_id"]
    answer = client.get(f"/v1/jobs/{job_id}", headers=shop)
    assert answer.status_code == 200
    assert "Jürgen Weiß".encode() in answer.data and b"\\u00fc" not in answer.data


def test_validation_and_auth_errors_have_the_apis_statuses(client, keys):
    assert client.post("/v1/quotes", json={"market": 5}, headers=keys["myposter", "shop"]).status_code == 422
    assert client.get("/v1/orders").status_code == 401
