"""What only the S3 backend does, checked over HTTP against moto's server."""

from __future__ import annotations

import base64
import hashlib
import os
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from storage import ConflictError, StorageError
from storage.s3 import S3Storage

pytestmark = pytest.mark.integration


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


@pytest.fixture
def sent(s3_storage: S3Storage) -> dict[str, list[dict[str, str]]]:
    """Headers of every request the client sends, by operation name."""
    seen: dict[str, list[dict[str, str]]] = {}

    def record(request, **kwargs) -> None:  # noqa: ANN001 - botocore event signature
        operation = kwargs["event_name"].split(".")[-1]
        seen.setdefault(operation, []).append({k.lower(): v.decode() if isinstance(v, bytes) else v
                                               for k, v in request.headers.items()})

    s3_storage.client.meta.events.register("before-send.s3", record)
    return seen


def test_single_put_sends_its_sha256_and_a_condition(s3_storage: S3Storage, sent) -> None:
    data = os.urandom(2048)
    s3_storage.put_bytes("b/one", data, content_type="image/jpeg", filename="photo.jpg")
    headers = sent["PutObject"][-1]
    assert headers["x-amz-checksum-sha256"] == b64(hashlib.sha256(data).digest())
    assert headers["if-none-match"] == "*"
    assert headers["x-amz-meta-sha256"] == hashlib.sha256(data).hexdigest()
    head = s3_storage.client.head_object(Bucket=s3_storage.bucket, Key="t/b/one", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == b64(hashlib.sha256(data).digest())
    assert head["ContentType"] == "image/jpeg"
    assert head["ContentDisposition"] == 'attachment; filename="photo.jpg"'


def test_big_file_goes_multipart_with_part_checksums(s3_storage: S3Storage, sent, tmp_path: Path) -> None:
    part = 5 * 1024 * 1024
    data = os.urandom(part + 1000)
    source = tmp_path / "big.pdf"
    source.write_bytes(data)
    s3_storage.put_file("b/big", source, content_type="application/pdf")

    assert "PutObject" not in sent
    part_headers = sent["UploadPart"]
    assert len(part_headers) == 2
    expected = [hashlib.sha256(data[:part]).digest(), hashlib.sha256(data[part:]).digest()]
    assert [h["x-amz-checksum-sha256"] for h in part_headers] == [b64(d) for d in expected]
    assert sent["CompleteMultipartUpload"][-1]["if-none-match"] == "*"
    head = s3_storage.client.head_object(Bucket=s3_storage.bucket, Key="t/b/big", ChecksumMode="ENABLED")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].strip('"').endswith("-2")
    assert head["ChecksumSHA256"].split("-")[0] == b64(hashlib.sha256(b"".join(expected)).digest())
    assert s3_storage.stat("b/big").sha256 == hashlib.sha256(data).hexdigest()


def test_small_threshold_never_makes_parts_below_the_s3_minimum(s3_storage: S3Storage) -> None:
    tiny = S3Storage(s3_storage.bucket, "t", s3_storage.client, multipart_threshold=1024)
    data = os.urandom(300_000)
    blob = tiny.put_bytes("b/one-part", data, content_type="application/pdf")
    assert tiny.stat("b/one-part") == blob
    assert tiny.part_size(60 * 1024**3) >= 60 * 1024**3 / 10_000


def test_a_rerun_is_not_uploaded_again(s3_storage: S3Storage, sent) -> None:
    s3_storage.put_bytes("b/again", b"same", content_type="text/plain")
    s3_storage.put_bytes("b/again", b"same", content_type="text/plain")
    assert len(sent["PutObject"]) == 1


def blind_first_lookup(monkeypatch: pytest.MonkeyPatch, store: S3Storage) -> None:
    """Make the next look-up before a write miss the object, as if another writer came in between."""
    real = S3Storage._head
    calls: list[str] = []

    def head(key: str):  # noqa: ANN202
        calls.append(key)
        return None if len(calls) == 1 else real(store, key)

    monkeypatch.setattr(store, "_head", head)


@pytest.mark.parametrize("size", [100, 5 * 1024 * 1024 + 10], ids=["single", "multipart"])
def test_a_writer_that_loses_the_race_compares_checksums(s3_storage: S3Storage, monkeypatch: pytest.MonkeyPatch,
                                                         size: int) -> None:
    """The key was stored between our look-up and our write: S3 answers 412 and we compare."""
    data = os.urandom(size)
    s3_storage.put_bytes("b/raced", data, content_type="application/pdf")

    blind_first_lookup(monkeypatch, s3_storage)
    same = s3_storage.put_bytes("b/raced", data, content_type="application/pdf")
    assert same.sha256 == hashlib.sha256(data).hexdigest()

    blind_first_lookup(monkeypatch, s3_storage)
    with pytest.raises(ConflictError):
        s3_storage.put_bytes("b/raced", os.urandom(size), content_type="application/pdf")
    with s3_storage.open("b/raced") as stream:
        assert stream.read() == data
    uploads = s3_storage.client.list_multipart_uploads(Bucket=s3_storage.bucket)
    assert not uploads.get("Uploads"), "a lost multipart race must abort its upload"


def test_presigned_url_downloads_with_the_stored_name(s3_storage: S3Storage) -> None:
    data = os.urandom(5000)
    s3_storage.put_bytes("b/print.pdf", data, content_type="application/pdf", filename="Grüße.pdf")
    url = s3_storage.url("b/print.pdf", expires=60)
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["60"]
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == data
        assert response.headers["Content-Type"] == "application/pdf"
        assert "filename*=UTF-8''Gr%C3%BC%C3%9Fe.pdf" in response.headers["Content-Disposition"]


def test_presigned_url_can_name_the_download(s3_storage: S3Storage) -> None:
    s3_storage.put_bytes("b/p2.pdf", b"%PDF", content_type="application/pdf")
    url = s3_storage.url("b/p2.pdf", filename="order-4711.pdf")
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["300"]
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == b"%PDF"
        assert response.headers["Content-Disposition"] == 'attachment; filename="order-4711.pdf"'


def test_download_refuses_bytes_that_do_not_match(s3_storage: S3Storage, tmp_path: Path) -> None:
    """An object whose bytes differ from its recorded SHA-256 is never written to the target."""
    s3_storage.client.put_object(Bucket=s3_storage.bucket, Key="t/b/bad", Body=b"actual",
                                 Metadata={"sha256": hashlib.sha256(b"claimed").hexdigest()})
    with pytest.raises(StorageError, match="does not match"):
        s3_storage.download("b/bad", tmp_path / "bad")
    assert list(tmp_path.iterdir()) == []


def test_stat_of_a_foreign_object_hashes_its_bytes(s3_storage: S3Storage) -> None:
    s3_storage.client.put_object(Bucket=s3_storage.bucket, Key="t/b/foreign", Body=b"by hand")
    assert s3_storage.stat("b/foreign").sha256 == hashlib.sha256(b"by hand").hexdigest()


def test_prefix_keeps_keys_apart(s3_storage: S3Storage) -> None:
    other = S3Storage(s3_storage.bucket, "other", s3_storage.client)
    s3_storage.put_bytes("b/k", b"one", content_type="text/plain")
    other.put_bytes("b/k", b"two", content_type="text/plain")
    assert s3_storage.stat("b/k").sha256 != other.stat("b/k").sha256


def test_check_fails_clearly_without_the_bucket(s3_storage: S3Storage) -> None:
    missing = S3Storage("no-such-bucket-here", "", s3_storage.client)
    with pytest.raises(StorageError, match="no-such-bucket-here"):
        missing.check()


def test_check_leaves_nothing_behind(s3_storage: S3Storage) -> None:
    s3_storage.check()
    assert s3_storage.client.list_objects_v2(Bucket=s3_storage.bucket).get("KeyCount") == 0


def test_check_only_reads(s3_storage: S3Storage) -> None:
    """A readiness probe every few seconds must not put objects: check() heads and lists only."""
    calls: list[str] = []
    s3_storage.client.meta.events.register("before-call.s3", lambda model, **_: calls.append(model.name))
    s3_storage.check()
    assert calls and set(calls) <= {"HeadBucket", "ListObjectsV2"}
