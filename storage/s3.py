"""S3 backend: checksummed, conditional, multipart above a threshold, presigned downloads.

Every upload carries its SHA-256 (`ChecksumSHA256`, per part for multipart) so S3 rejects bytes
that changed on the way. Writes are conditional (`If-None-Match: *`): on 412 the existing
object's SHA-256 is compared, equal means the rerun is a no-op, different is a ConflictError.
The whole-file SHA-256 is also kept as `x-amz-meta-sha256`, because a multipart object's S3
checksum is a checksum of part checksums, not of the file.
"""

from __future__ import annotations

import base64
import hashlib
import io
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, unquote

from botocore.exceptions import BotoCoreError, ClientError

from storage.base import Blob, ConflictError, StorageError
from storage.disposition import clean_filename, content_disposition
from storage.keys import check_key

MIB = 1024 * 1024
MIN_PART_SIZE = 5 * MIB  # S3's (and moto's) smallest part but the last
MAX_PARTS = 10_000
DEFAULT_MULTIPART_THRESHOLD = 16 * MIB
CHUNK = MIB
HEALTH_PREFIX = "_health"  # kept for old deployments' lifecycle rules; check() no longer writes
_MISSING = {"404", "NoSuchKey", "NotFound"}
_PRECONDITION = {"PreconditionFailed", "412"}
_CONCURRENT = {"ConditionalRequestConflict", "409"}


def b64_sha256(digest: bytes) -> str:
    """The base64 form S3 uses for SHA-256 checksums."""
    return base64.b64encode(digest).decode("ascii")


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _status(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


class S3Storage:
    """Blobs in `bucket` under `prefix/`, through a boto3 S3 client built by storage.factory."""

    def __init__(self, bucket: str, prefix: str, client: Any, *,
                 multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD) -> None:
        if not bucket:
            raise StorageError("S3 storage needs a bucket: use s3://bucket/prefix")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        if self.prefix:
            check_key(self.prefix)
        self.client = client
        self.multipart_threshold = max(1, int(multipart_threshold))

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def object_key(self, key: str) -> str:
        """The full S3 key of a storage key (prefix added, key validated)."""
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def part_size(self, size: int) -> int:
        """Part size for an object of `size` bytes: the threshold, at least 5 MiB, at most 10,000 parts."""
        return max(self.multipart_threshold, MIN_PART_SIZE, math.ceil(size / MAX_PARTS))

    # -- writes ------------------------------------------------------------------------------

    def put_file(self, key: str, path: Path, *, content_type: str, filename: str | None = None) -> Blob:
        path = Path(path)
        try:
            with open(path, "rb") as handle:
                digest, size = _hash_stream(handle)
                return self._put(key, handle, digest, size, content_type, filename)
        except OSError as exc:
            raise StorageError(f"cannot read {path} to store it under {key!r}: {exc}") from exc

    def put_bytes(self, key: str, data: bytes, *, content_type: str, filename: str | None = None) -> Blob:
        return self._put(key, io.BytesIO(data), hashlib.sha256(data).digest(), len(data), content_type, filename)

    def _put(self, key: str, body: BinaryIO, digest: bytes, size: int, content_type: str,
             filename: str | None) -> Blob:
        object_key = self.object_key(key)
        name = clean_filename(filename) if filename is not None else None
        blob = Blob(key=key, size=size, sha256=digest.hex(), content_type=content_type, filename=name)
        # A rerun usually finds its object already there: answer without sending the bytes again.
        existing = self._head(object_key)
        if existing is not None:
            return self._existing_or_conflict(blob, existing)
        extra: dict[str, Any] = {"ContentType": content_type, "Metadata": {"sha256": blob.sha256}}
        if name is not None:
            extra["ContentDisposition"] = content_disposition(name)
            extra["Metadata"]["filename"] = quote(name, safe="")
        body.seek(0)
        try:
            if size > self.multipart_threshold:
                self._put_multipart(object_key, body, size, extra)
            else:
                self._put_single(object_key, body, digest, extra)
        except ClientError as exc:
            if _error_code(exc) in _PRECONDITION or _status(exc) == 412 or _error_code(exc) in _CONCURRENT:
                existing = self._head(object_key)
                if existing is None:
                    raise StorageError(
                        f"another writer was storing {key!r} at the same time and has not finished; retry"
                    ) from exc
                return self._existing_or_conflict(blob, existing)
            raise self._error("store", key, exc) from exc
        except BotoCoreError as exc:
            raise self._error("store", key, exc) from exc
        return blob

    def _put_single(self, object_key: str, body: BinaryIO, digest: bytes, extra: dict[str, Any]) -> None:
        sent = b64_sha256(digest)
        response = self.client.put_object(
            Bucket=self.bucket, Key=object_key, Body=body, IfNoneMatch="*",
            ChecksumAlgorithm="SHA256", ChecksumSHA256=sent, **extra,
        )
        echoed = response.get("ChecksumSHA256")
        if echoed is not None and echoed != sent:
            raise StorageError(f"S3 stored {object_key!r} with checksum {echoed}, expected {sent}")

    def _put_multipart(self, object_key: str, body: BinaryIO, size: int, extra: dict[str, Any]) -> None:
        """Upload in parts read one at a time from `body`, each with its own SHA-256."""
        upload_id = self.client.create_multipart_upload(
            Bucket=self.bucket, Key=object_key, ChecksumAlgorithm="SHA256", **extra
        )["UploadId"]
        try:
            parts = []
            part_digests = []
            for number, chunk in enumerate(_read_parts(body, self.part_size(size)), start=1):
                part_digest = hashlib.sha256(chunk).digest()
                checksum = b64_sha256(part_digest)
                response = self.client.upload_part(
                    Bucket=self.bucket, Key=object_key, UploadId=upload_id, PartNumber=number, Body=chunk,
                    ChecksumAlgorithm="SHA256", ChecksumSHA256=checksum,
                )
                parts.append({"PartNumber": number, "ETag": response["ETag"], "ChecksumSHA256": checksum})
                part_digests.append(part_digest)
            response = self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=object_key, UploadId=upload_id, IfNoneMatch="*",
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            self._abort(object_key, upload_id)
            raise
        echoed = response.get("ChecksumSHA256")
        expected = b64_sha256(hashlib.sha256(b"".join(part_digests)).digest())
        if echoed is not None and echoed.split("-")[0] != expected:
            raise StorageError(f"S3 assembled {object_key!r} with checksum {echoed}, expected {expected}")

    def _abort(self, object_key: str, upload_id: str) -> None:
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=object_key, UploadId=upload_id)
        except (ClientError, BotoCoreError):
            pass  # a lifecycle rule for incomplete uploads cleans up what is left

    def _existing_or_conflict(self, new: Blob, head: dict[str, Any]) -> Blob:
        existing = self._blob(new.key, self.object_key(new.key), head)
        if existing.sha256 != new.sha256:
            raise ConflictError(
                f"{new.key!r} already holds different content (sha256 {existing.sha256[:12]}…, new "
                f"{new.sha256[:12]}…); a rerun must not replace it: write a new version instead"
            )
        return existing

    # -- reads -------------------------------------------------------------------------------

    def _head(self, object_key: str) -> dict[str, Any] | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=object_key, ChecksumMode="ENABLED")
        except ClientError as exc:
            if _error_code(exc) in _MISSING or _status(exc) == 404:
                return None
            raise self._error("look up", object_key, exc) from exc
        except BotoCoreError as exc:
            raise self._error("look up", object_key, exc) from exc

    def _blob(self, key: str, object_key: str, head: dict[str, Any]) -> Blob:
        metadata = {k.lower(): v for k, v in (head.get("Metadata") or {}).items()}
        sha = metadata.get("sha256")
        checksum = head.get("ChecksumSHA256")
        if not sha and checksum and "-" not in checksum and head.get("ChecksumType") != "COMPOSITE":
            sha = base64.b64decode(checksum).hex()
        if not sha:  # an object not written by us: hash its bytes
            with self.open(key) as stream:
                sha = _hash_stream(stream)[0].hex()
        filename = unquote(metadata["filename"]) if metadata.get("filename") else None
        return Blob(key=key, size=int(head["ContentLength"]), sha256=sha,
                    content_type=head.get("ContentType") or "application/octet-stream", filename=filename)

    def open(self, key: str) -> BinaryIO:
        object_key = self.object_key(key)
        try:
            return self.client.get_object(Bucket=self.bucket, Key=object_key)["Body"]
        except ClientError as exc:
            if _error_code(exc) in _MISSING or _status(exc) == 404:
                raise KeyError(key) from None
            raise self._error("read", key, exc) from exc
        except BotoCoreError as exc:
            raise self._error("read", key, exc) from exc

    def download(self, key: str, path: Path) -> None:
        """Stream to a temp file next to `path`, check the SHA-256, then rename into place."""
        path = Path(path)
        expected = self.stat(key).sha256
        try:
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        except OSError as exc:
            raise StorageError(f"cannot write {key!r} to {path}: {exc}") from exc
        tmp = Path(name)
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as handle, self.open(key) as stream:
                try:
                    while chunk := stream.read(CHUNK):
                        handle.write(chunk)
                        digest.update(chunk)
                except (BotoCoreError, OSError) as exc:
                    raise self._error("download", key, exc) from exc
            if digest.hexdigest() != expected:
                raise StorageError(f"download of {key!r} does not match its sha256 {expected[:12]}…; retry")
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._head(self.object_key(key)) is not None

    def stat(self, key: str) -> Blob:
        object_key = self.object_key(key)
        head = self._head(object_key)
        if head is None:
            raise KeyError(key)
        return self._blob(key, object_key, head)

    def url(self, key: str, *, expires: int = 300, filename: str | None = None) -> str | None:
        """A presigned GET valid for `expires` seconds; `filename` overrides the stored download name."""
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": self.object_key(key)}
        if filename is not None:
            params["ResponseContentDisposition"] = content_disposition(filename)
        try:
            return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=int(expires))
        except (ClientError, BotoCoreError) as exc:
            raise self._error("sign a URL for", key, exc) from exc

    # -- housekeeping ------------------------------------------------------------------------

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))
        except (ClientError, BotoCoreError) as exc:
            raise self._error("delete", key, exc) from exc

    def check(self) -> None:
        """The bucket answers a head and a one-key list under our prefix: reads only (a readiness probe
        every few seconds must not put objects; the list also proves the credentials may read)."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
            self.client.list_objects_v2(Bucket=self.bucket, Prefix=f"{self.prefix}/" if self.prefix else "",
                                        MaxKeys=1)
        except (ClientError, BotoCoreError) as exc:
            raise StorageError(f"S3 bucket {self.bucket!r} is not reachable or not readable: {exc}") from exc

    def _error(self, action: str, key: str, exc: Exception) -> StorageError:
        return StorageError(f"S3 could not {action} {key!r} in bucket {self.bucket!r}: {exc}")


def _hash_stream(stream: BinaryIO) -> tuple[bytes, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.digest(), size


def _read_parts(stream: BinaryIO, part_size: int) -> Iterator[bytes]:
    """Parts of `part_size` bytes (the last shorter), one in memory at a time."""
    while True:
        chunk = stream.read(part_size)
        if not chunk:
            return
        yield chunk
