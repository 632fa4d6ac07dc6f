"""POST /v1/uploads: raw and multipart bodies, the header probe, limits, brand scoping."""

from __future__ import annotations

import hashlib
import io

import pytest

from tests import imagegen
from tests.conftest import order_body


def _upload(client, headers, data: bytes, content_type: str = "image/jpeg"):
    return client.post("/v1/uploads", data=data, headers={**headers, "Content-Type": content_type})


def test_raw_upload_is_stored_and_described(client, keys, photo, services):
    data = photo.read_bytes()
    response = _upload(client, keys["myposter", "shop"], data)
    assert response.status_code == 201
    body = response.get_json()
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert (body["width"], body["height"], body["format"]) == (600, 800, "jpeg")
    key = f"myposter/uploads/{body['sha256']}"
    assert services.storage.exists(key)
    assert services.storage.open(key).read() == data


def test_multipart_upload_and_dedup(client, keys, photo):
    headers = keys["myposter", "shop"]
    first = client.post("/v1/uploads", headers=headers,
                        data={"file": (io.BytesIO(photo.read_bytes()), "anna.jpg")},
                        content_type="multipart/form-data")
    assert first.status_code == 201
    again = _upload(client, headers, photo.read_bytes())
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]


def test_a_repeated_upload_whose_object_is_gone_is_stored_again(client, keys, photo, services):
    """The row outlived its object (bucket emptied or restored): the same bytes come again, so they
    are stored again, and a render does not find its source missing."""
    data = photo.read_bytes()
    first = _upload(client, keys["myposter", "shop"], data)
    key = f"myposter/uploads/{first.get_json()['sha256']}"
    services.storage.delete(key)
    again = _upload(client, keys["myposter", "shop"], data)
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    assert services.storage.open(key).read() == data


def test_exif_rotated_upload_reports_upright_size(client, keys, tmp_path):
    path = imagegen.photo_jpeg(tmp_path / "rot.jpg", 300, 200, orientation=6)
    body = _upload(client, keys["myposter", "shop"], path.read_bytes()).get_json()
    assert (body["width"], body["height"]) == (300, 200)
    assert (body["upright_width"], body["upright_height"]) == (200, 300)


def _assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["code"] == code and body["detail"]
    return body


def test_not_an_image_is_422_and_nothing_is_stored(client, keys, services):
    response = _upload(client, keys["myposter", "shop"], b"this is not a photo at all")
    _assert_problem(response, 422, "not-an-image")
    assert not (services.settings.var_dir / "storage" / "myposter").exists()


def test_truncated_jpeg_is_422(client, keys, photo):
    data = photo.read_bytes()
    _assert_problem(_upload(client, keys["myposter", "shop"], data[: len(data) // 2]), 422, "truncated")


def test_too_many_pixels_is_422(client, keys, tmp_path, services):
    services.settings = services.settings.model_copy(update={"max_pixels": 1000})
    big = imagegen.photo_jpeg(tmp_path / "big.jpg", 64, 64)
    body = _assert_problem(_upload(client, keys["myposter", "shop"], big.read_bytes()), 422, "too-many-pixels")
    assert "4,096" in body["detail"]


def test_wrong_content_type_is_415(client, keys, photo):
    _assert_problem(_upload(client, keys["myposter", "shop"], photo.read_bytes(), "text/plain"), 415,
                    "unsupported-media-type")


def test_service_goes_on_after_bad_uploads(client, keys, photo):
    headers = keys["myposter", "shop"]
    for junk in (b"", b"\xff\xd8\xff\xe0garbage", b"GIF89a"):
        assert _upload(client, headers, junk).status_code in (400, 422)
    assert _upload(client, headers, photo.read_bytes()).status_code == 201


def test_uploads_need_a_shop_key(client, keys, photo):
    assert _upload(client, {}, photo.read_bytes()).status_code == 401
    assert _upload(client, keys["myposter", "qa"], photo.read_bytes()).status_code == 403


def test_another_brands_upload_cannot_be_ordered(client, keys, photo):
    upload = _upload(client, keys["kartenliebe", "shop"], photo.read_bytes()).get_json()
    response = client.post("/v1/orders", json=order_body(upload["id"]), headers=keys["myposter", "shop"])
    body = _assert_problem(response, 422, "invalid-order")
    assert body["errors"][0]["field"] == "items[0].image.upload_id"


def test_iphone_heic_is_accepted_and_probed(client, keys, tmp_path, services):
    import pillow_heif
    from PIL import Image

    source = tmp_path / "IMG_0001.heic"
    pillow_heif.from_pillow(Image.new("RGB", (64, 48), (30, 90, 200))).save(str(source), format="HEIF",
                                                                           quality=90)
    response = _upload(client, keys["myposter", "shop"], source.read_bytes(), "image/heic")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["format"], body["width"], body["height"], body["state"]) == ("heif", 64, 48, "ready")
    assert services.storage.exists(f"myposter/uploads/{body['sha256']}")


def _stored_filename(services, upload_id: str) -> str | None:
    from records.models import Upload

    with services.sessions() as session:
        return session.get(Upload, upload_id).filename


@pytest.mark.parametrize(("raw", "stored"), [
    ("..", None), ("/", None), ("../../etc/passwd", "passwd"), ("C:\\Users\\anna\\IMG_1.jpg", "IMG_1.jpg"),
    ("a\x00b.jpg", "ab.jpg"), ("tab\there\x7f.jpg", "tabhere.jpg"), ("x" * 300 + ".jpg", "x" * 251 + ".jpg"),
    ("Ümlaut Foto.jpg", "Ümlaut Foto.jpg"),
], ids=["dotdot", "slash", "traversal", "windows", "nul", "controls", "long", "unicode"])
def test_file_names_are_cleaned_never_a_500(client, keys, photo, services, raw, stored):
    from api.uploads import _filename

    assert _filename(raw) == stored
    response = client.post("/v1/uploads", headers=keys["myposter", "shop"],
                           data={"file": (io.BytesIO(photo.read_bytes()), raw)}, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert services.storage.exists(f"myposter/uploads/{response.get_json()['sha256']}")


@pytest.mark.parametrize("raw", ["..", "/", "x" * 300, "../../..", "a\x01b"], ids=["dotdot", "slash", "long",
                                                                                    "traversal", "control"])
def test_raw_upload_x_filename_is_cleaned(client, keys, photo, services, raw):
    response = client.post("/v1/uploads", data=photo.read_bytes(),
                           headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg", "X-Filename": raw})
    assert response.status_code == 201, response.get_json()
    name = _stored_filename(services, response.get_json()["id"])
    assert name is None or (len(name) <= 255 and "/" not in name and name not in ("..", "."))


def test_a_failed_insert_leaves_no_stored_object(client, keys, photo, services, monkeypatch):
    import api.uploads

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(api.uploads, "_record", broken)
    response = _upload(client, keys["myposter", "shop"], photo.read_bytes())
    assert response.status_code == 500
    key = f"myposter/uploads/{hashlib.sha256(photo.read_bytes()).hexdigest()}"
    assert not services.storage.exists(key)


def test_decode_budget_is_a_422_with_advice(client, keys, tmp_path, services):
    services.settings = services.settings.model_copy(update={"max_decode_bytes": 100_000})
    big = imagegen.photo_jpeg(tmp_path / "big.jpg", 300, 200)
    body = _assert_problem(_upload(client, keys["myposter", "shop"], big.read_bytes()), 422, "decode-too-large")
    assert "MB" in body["detail"] and "limit" in body["detail"]


def test_motion_photo_is_accepted_and_cut_jpeg_with_eoi_is_not(client, keys, photo):
    headers = keys["myposter", "shop"]
    data = photo.read_bytes()
    motion = data + b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x01" * 4000
    assert _upload(client, headers, motion).status_code == 201
    _assert_problem(_upload(client, headers, data[: len(data) // 2] + b"\xff\xd9"), 422, "truncated")


def test_svg_never_reaches_a_loader(client, keys):
    svg = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>'
    body = _assert_problem(_upload(client, keys["myposter", "shop"], svg, "image/svg+xml"), 422,
                           "unsupported-format")
    assert "SVG" in body["detail"]
