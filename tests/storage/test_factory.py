"""`open_storage(url)`: which backend a URL gives, and clear errors for URLs it cannot use."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import StorageError, open_storage
from storage.local import LocalStorage
from storage.s3 import S3Storage


def test_file_url_gives_a_local_folder(tmp_path: Path) -> None:
    backend = open_storage((tmp_path / "blobs").as_uri())
    assert isinstance(backend, LocalStorage) and backend.root == tmp_path / "blobs"


def test_s3_url_gives_bucket_and_prefix() -> None:
    backend = open_storage("s3://print-files/prod/eu", endpoint_url="http://127.0.0.1:1", region="eu-central-1",
                           multipart_threshold=8 * 1024 * 1024)
    assert isinstance(backend, S3Storage)
    assert (backend.bucket, backend.prefix, backend.multipart_threshold) == ("print-files", "prod/eu", 8 << 20)
    assert backend.object_key("a/b") == "prod/eu/a/b"
    assert backend.client.meta.endpoint_url == "http://127.0.0.1:1"
    assert backend.client.meta.region_name == "eu-central-1"


def test_each_backend_gets_its_own_client() -> None:
    one = open_storage("s3://bucket-one", region="eu-central-1")
    two = open_storage("s3://bucket-one", region="eu-central-1")
    assert one.client is not two.client and one.prefix == ""


@pytest.mark.parametrize("url", ["", "var/storage", "http://example.com/x", "s3://", "s3:///prefix",
                                 "file://host/share", "ftp://x/y"])
def test_unusable_urls_say_what_to_set(url: str) -> None:
    with pytest.raises(StorageError, match="PRINTLINE_STORAGE_URL"):
        open_storage(url)


def test_unreachable_s3_fails_check_with_a_storage_error() -> None:
    backend = open_storage("s3://bucket", endpoint_url="http://127.0.0.1:9", region="eu-central-1")
    backend.client.meta.config.retries = {"max_attempts": 0}
    with pytest.raises(StorageError, match="not reachable"):
        backend.check()

