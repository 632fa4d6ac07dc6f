"""Local-folder backend: the same key layout as S3, written atomically and conditionally.

A write goes to a hidden temp file in the target folder, is fsynced, and is then hard-linked
into place: `os.link` fails if the key already exists, which makes "create if absent" atomic
even between processes (the local twin of S3's `If-None-Match: *`). Content type, download
name and SHA-256 live in a hidden sidecar `.{name}.meta.json` next to the file.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from storage.base import Blob, ConflictError, StorageError
from storage.disposition import clean_filename
from storage.keys import check_key

CHUNK = 1024 * 1024
DEFAULT_CONTENT_TYPE = "application/octet-stream"


class LocalStorage:
    """Blobs as files under `root` (from `file:///path`); `url()` is None, the API streams them."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).absolute()

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    # -- paths -------------------------------------------------------------------------------

    def path(self, key: str) -> Path:
        """The file of `key` (validated against traversal)."""
        return self.root.joinpath(*check_key(key).split("/"))

    @staticmethod
    def _meta_path(path: Path) -> Path:
        return path.with_name(f".{path.name}.meta.json")

    # -- writes ------------------------------------------------------------------------------

    def put_file(self, key: str, path: Path, *, content_type: str, filename: str | None = None) -> Blob:
        try:
            source = open(path, "rb")
        except OSError as exc:
            raise StorageError(f"cannot read {path} to store it under {key!r}: {exc}") from exc
        with source:
            return self._put_stream(key, source, content_type=content_type, filename=filename)

    def put_bytes(self, key: str, data: bytes, *, content_type: str, filename: str | None = None) -> Blob:
        return self._put_stream(key, io.BytesIO(data), content_type=content_type, filename=filename)

    def _put_stream(self, key: str, stream: BinaryIO, *, content_type: str, filename: str | None) -> Blob:
        target = self.path(key)
        name = clean_filename(filename) if filename is not None else None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create folder {target.parent} for {key!r}: {exc}") from exc
        with self._temp_file(target) as (tmp, handle):
            digest = hashlib.sha256()
            size = 0
            try:
                while chunk := stream.read(CHUNK):
                    handle.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as exc:
                raise StorageError(f"writing {key!r} under {self.root} failed: {exc}") from exc
            handle.close()
            blob = Blob(key=key, size=size, sha256=digest.hexdigest(), content_type=content_type, filename=name)
            if not self._link_if_absent(tmp, target, key):
                return self._existing_or_conflict(blob, target)
        self._write_meta(target, blob)
        _fsync_dir(target.parent)
        return blob

    @contextmanager
    def _temp_file(self, target: Path) -> Iterator[tuple[Path, BinaryIO]]:
        """A hidden temp file next to `target`, removed whatever happens."""
        try:
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise StorageError(f"cannot create a temp file in {target.parent}: {exc}") from exc
        tmp = Path(name)
        handle = os.fdopen(fd, "wb")
        try:
            yield tmp, handle
        finally:
            handle.close()
            tmp.unlink(missing_ok=True)

    def _link_if_absent(self, tmp: Path, target: Path, key: str) -> bool:
        """Put `tmp` in place unless `target` exists; False if it does."""
        try:
            os.link(tmp, target)
            return True
        except FileExistsError:
            return False
        except OSError as exc:
            if exc.errno not in {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV}:
                raise StorageError(f"cannot store {key!r} under {self.root}: {exc}") from exc
        # A file system without hard links: check, then rename (atomic, but not race-free).
        if target.exists():
            return False
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise StorageError(f"cannot store {key!r} under {self.root}: {exc}") from exc
        return True

    def _existing_or_conflict(self, new: Blob, target: Path) -> Blob:
        """Same bytes already there: the stored blob (a no-op). Different bytes: ConflictError."""
        existing_sha = _sha256_of(target)  # the file itself is the truth, not its sidecar
        if existing_sha != new.sha256:
            raise ConflictError(
                f"{new.key!r} already holds different content (sha256 {existing_sha[:12]}…, new "
                f"{new.sha256[:12]}…); a rerun must not replace it: write a new version instead"
            )
        try:
            return self.stat(new.key)
        except KeyError:  # deleted meanwhile; what we hold is what was there
            return new

    def _write_meta(self, target: Path, blob: Blob) -> None:
        meta = {"sha256": blob.sha256, "size": blob.size, "content_type": blob.content_type,
                "filename": blob.filename}
        meta_path = self._meta_path(target)
        with self._temp_file(target) as (tmp, handle):
            try:
                handle.write(json.dumps(meta).encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
                handle.close()
                os.replace(tmp, meta_path)
            except OSError as exc:
                raise StorageError(f"cannot write the metadata of {blob.key!r}: {exc}") from exc

    # -- reads -------------------------------------------------------------------------------

    def open(self, key: str) -> BinaryIO:
        path = self.path(key)
        try:
            return open(path, "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise KeyError(key) from None
        except OSError as exc:
            raise StorageError(f"cannot read {key!r} under {self.root}: {exc}") from exc

    def download(self, key: str, path: Path) -> None:
        path = Path(path)
        with self.open(key) as source, self._temp_file(path) as (tmp, handle):
            try:
                shutil.copyfileobj(source, handle, CHUNK)
                handle.close()
                os.replace(tmp, path)
            except OSError as exc:
                raise StorageError(f"cannot copy {key!r} to {path}: {exc}") from exc

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def stat(self, key: str) -> Blob:
        path = self.path(key)
        try:
            size = path.stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            raise KeyError(key) from None
        if not path.is_file():
            raise KeyError(key)
        meta = self._read_meta(path)
        if meta is not None and meta.get("size") == size:
            return Blob(key=key, size=size, sha256=meta["sha256"],
                        content_type=meta.get("content_type") or DEFAULT_CONTENT_TYPE,
                        filename=meta.get("filename"))
        # No (or a stale) sidecar, e.g. a file put there by hand: the file itself is the truth.
        return Blob(key=key, size=size, sha256=_sha256_of(path), content_type=DEFAULT_CONTENT_TYPE)

    def _read_meta(self, path: Path) -> dict[str, Any] | None:
        try:
            meta = json.loads(self._meta_path(path).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return meta if isinstance(meta, dict) and isinstance(meta.get("sha256"), str) else None

    def url(self, key: str, *, expires: int = 300, filename: str | None = None) -> str | None:
        self.path(key)
        return None

    # -- housekeeping ------------------------------------------------------------------------

    def delete(self, key: str) -> None:
        path = self.path(key)
        try:
            path.unlink(missing_ok=True)
            self._meta_path(path).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot delete {key!r} under {self.root}: {exc}") from exc

    def check(self) -> None:
        """The folder exists and this process may write into it: a stat and an access check, no write
        (a readiness probe every few seconds must not churn the disk)."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            writable = self.root.is_dir() and os.access(self.root, os.W_OK | os.X_OK)
        except OSError as exc:
            raise StorageError(f"local storage folder {self.root} is not writable: {exc}") from exc
        if not writable:
            raise StorageError(f"local storage folder {self.root} is not writable")


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(folder: Path) -> None:
    """Make the new directory entry durable (best effort where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
