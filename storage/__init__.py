"""Blob storage behind one small interface, with an S3 and a local backend chosen by URL."""

from storage.base import Blob, ConflictError, InvalidKeyError, Storage, StorageError

__all__ = ["Blob", "ConflictError", "InvalidKeyError", "Storage", "StorageError", "open_storage"]


def open_storage(url: str, **options: object) -> Storage:
    """The backend for `file:///path` or `s3://bucket/prefix` (options: endpoint_url, region, ...)."""
    from storage.factory import storage_from_url

    return storage_from_url(url, **options)
