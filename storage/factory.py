"""Build the storage backend a URL names: `file:///path` or `s3://bucket/prefix`.

The boto3 client is made here from explicit arguments (no module-level client, no global
session), so each app or worker process owns its client and tests can point it at moto.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from storage.base import Storage, StorageError
from storage.local import LocalStorage
from storage.s3 import DEFAULT_MULTIPART_THRESHOLD, S3Storage

URL_HELP = "set PRINTLINE_STORAGE_URL to file:///absolute/path or s3://bucket/prefix"


def storage_from_url(url: str, *, endpoint_url: str | None = None, region: str | None = None,
                     multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD) -> Storage:
    """The backend for `url`; StorageError with what to change when the URL is not usable."""
    parts = urlsplit(url or "")
    if parts.scheme == "file":
        if parts.netloc not in {"", "localhost"} or not parts.path:
            raise StorageError(f"storage URL {url!r} is not a local folder: {URL_HELP}")
        return LocalStorage(Path(url2pathname(parts.path)))
    if parts.scheme == "s3":
        bucket = parts.netloc
        if not bucket:
            raise StorageError(f"storage URL {url!r} names no bucket: {URL_HELP}")
        return S3Storage(bucket, unquote(parts.path).strip("/"),
                         s3_client(endpoint_url=endpoint_url, region=region),
                         multipart_threshold=multipart_threshold)
    raise StorageError(f"storage URL {url!r} is not supported: {URL_HELP}")


def s3_client(*, endpoint_url: str | None = None, region: str | None = None) -> Any:
    """A new botocore S3 client: standard retries, SigV4, checksums only where we send them ourselves."""
    import boto3
    from botocore.config import Config

    config = Config(
        signature_version="s3v4",
        retries={"mode": "standard", "max_attempts": 5},
        # We supply SHA-256 checksums ourselves; no automatic CRC32 / aws-chunked bodies that
        # S3-compatible servers (moto, MinIO) handle unevenly.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        # Path-style addressing for custom endpoints (moto, MinIO), whose host names take no bucket.
        s3={"addressing_style": "path"} if endpoint_url else {},
    )
    session = boto3.session.Session()
    return session.client("s3", endpoint_url=endpoint_url or None, region_name=region or None, config=config)
