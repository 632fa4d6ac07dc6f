"""`api.schemas`: the request models' limits (reasons, shipments, a new image) hold on the models and at
the API, the response models' defaults and bounds, and the OpenAPI document carries their descriptions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from api.schemas import Health, JobLinks, JobOut, NewImage, OptionalReason, Reason, Reprint, Shipment, UploadOut

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("model", [Reason, Reprint])
def test_a_required_reason_is_3_to_2000_characters(model):
    assert model(reason="bad").reason == "bad"
    for text in ("", "no", "x" * 2001):
        with pytest.raises(ValidationError):
            model(reason=text)
    with pytest.raises(ValidationError):
        model()


def test_optional_reason_and_shipment_fields_have_limits():
    assert OptionalReason().reason is None
    with pytest.raises(ValidationError):
        OptionalReason(reason="x" * 2001)
    assert Shipment(carrier="DHL", tracking_number="00340434").carrier == "DHL"
    with pytest.raises(ValidationError):
        Shipment(carrier="x" * 101)
    with pytest.raises(ValidationError):
        Shipment(tracking_number="1" * 201)


def test_a_new_image_needs_an_image_and_may_name_a_slot():
    new = NewImage.model_validate({"image": {"upload_id": "upl_1"}, "slot": "back"})
    assert new.image.upload_id == "upl_1" and new.slot == "back"
    assert NewImage.model_validate({"image": {"upload_id": "upl_1"}}).slot is None
    with pytest.raises(ValidationError):
        NewImage.model_validate({"slot": "back"})


def test_a_direct_upload_is_ready_by_default_and_health_has_no_checks():
    upload = UploadOut(id="upl_1", created_at=NOW)
    assert upload.state == "ready" and upload.sha256 is None
    with pytest.raises(ValidationError):
        UploadOut(id="upl_1", created_at=NOW, state="lost")
    assert Health(status="ok").checks == {}


def _job(**changes) -> dict:
    base = {"id": "job_1", "order_id": "ord_1", "order_ref": "MP-1", "item_id": "itm_1", "version": 1,
            "quantity": 2, "state": "rendering", "product": "poster-50x70", "created_at": NOW, "updated_at": NOW,
            "links": JobLinks(self="/v1/jobs/job_1")}
    return {**base, **changes}


def test_job_progress_is_a_percentage_and_reprints_start_at_zero():
    job = JobOut(**_job(progress_percent=40))
    assert job.progress_percent == 40 and job.reprints == 0 and job.sandbox is False
    for wrong in (-1, 101):
        with pytest.raises(ValidationError):
            JobOut(**_job(progress_percent=wrong))


def test_the_api_refuses_a_short_reason_as_a_field_error(client, keys):
    response = client.post("/v1/jobs/job_nope/reject", json={"reason": "no"}, headers=keys["myposter", "qa"])
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["reason"]


def test_the_openapi_document_carries_the_models(client):
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    job = schemas["JobOut"]
    assert job["properties"]["quantity"]["description"] == "Copies ordered: print this many."
    assert {"id", "state", "links"} <= set(job["required"]) and "progress" not in job["required"]
    assert schemas["Reason"]["properties"]["reason"]["minLength"] == 3
    upload_state = schemas["UploadOut"]["properties"]["state"]
    assert set(upload_state["enum"]) == {"fetching", "ready", "failed"}
