"""The storage interface every backend implements.

Keys are `/`-separated relative paths (see ARCHITECTURE.md "Storage keys"). Writes are atomic
and conditional: writing different bytes under an existing key is a ConflictError, writing the
same bytes again is a no-op, so a rerun of a task can never silently replace a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable


class StorageError(RuntimeError):
    """The backend failed; the message says what and where."""


class ConflictError(StorageError):
    """A different object already exists under that key."""


class InvalidKeyError(StorageError, ValueError):
    """A key that is not a safe relative path (traversal, absolute, hidden or odd characters)."""


@dataclass(frozen=True)
class Blob:
    """What is stored under a key."""

    key: str
    size: int
    sha256: str
    content_type: str
    filename: str | None = None  # the download file name given at put time, if any


@runtime_checkable
class Storage(Protocol):
    def put_file(self, key: str, path: Path, *, content_type: str, filename: str | None = None) -> Blob:
        """Store a local file under `key` (streamed, checksummed, conditional)."""
        ...

    def put_bytes(self, key: str, data: bytes, *, content_type: str, filename: str | None = None) -> Blob:
        """Store bytes under `key` (checksummed, conditional)."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the object; KeyError if missing."""
        ...

    def download(self, key: str, path: Path) -> None:
        """Copy the object to a local file, streamed."""
        ...

    def exists(self, key: str) -> bool: ...

    def stat(self, key: str) -> Blob:
        """Size, checksum and type of the object; KeyError if missing."""
        ...

    def url(self, key: str, *, expires: int = 300, filename: str | None = None) -> str | None:
        """A short-lived download URL, or None where the backend has none (local files)."""
        ...

    def delete(self, key: str) -> None: ...

    def check(self) -> None:
        """Raise StorageError unless the backend is reachable and writable (for /readyz)."""
        ...
