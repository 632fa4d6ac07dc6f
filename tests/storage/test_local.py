"""What only the local backend does: atomic writes, sidecar metadata, the plain key layout."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

import storage
import storage.local
from storage import StorageError
from storage.local import LocalStorage


def all_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_files_use_the_key_layout(local_storage: LocalStorage) -> None:
    local_storage.put_bytes("myposter/printfiles/ord_1/itm_1/r1.pdf", b"%PDF", content_type="application/pdf")
    assert (local_storage.root / "myposter/printfiles/ord_1/itm_1/r1.pdf").read_bytes() == b"%PDF"
    assert all_files(local_storage.root) == ["myposter/printfiles/ord_1/itm_1/.r1.pdf.meta.json",
                                             "myposter/printfiles/ord_1/itm_1/r1.pdf"]
    assert local_storage.url("myposter/printfiles/ord_1/itm_1/r1.pdf") is None


def test_failed_write_leaves_no_temp_file_and_no_object(local_storage: LocalStorage,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.local.os, "fsync", full_disk)
    with pytest.raises(StorageError, match="No space left"):
        local_storage.put_bytes("b/k", os.urandom(10_000), content_type="image/jpeg")
    monkeypatch.undo()
    assert all_files(local_storage.root) == []
    assert not local_storage.exists("b/k")


def test_source_failing_mid_stream_leaves_nothing(local_storage: LocalStorage) -> None:
    class Broken:
        def __init__(self) -> None:
            self.reads = 0

        def read(self, size: int = -1) -> bytes:
            self.reads += 1
            if self.reads > 2:
                raise OSError(errno.EIO, "Input/output error")
            return b"x" * 1024

    with pytest.raises(StorageError, match="Input/output"):
        local_storage._put_stream("b/k", Broken(), content_type="text/plain", filename=None)
    assert all_files(local_storage.root) == []


def test_a_failed_write_keeps_the_earlier_file_intact(local_storage: LocalStorage,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    local_storage.put_bytes("b/k", b"good", content_type="text/plain")
    monkeypatch.setattr(storage.local.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError("boom")))
    with pytest.raises(StorageError):
        local_storage.put_bytes("b/k", b"replacement", content_type="text/plain")
    monkeypatch.undo()
    assert (local_storage.root / "b/k").read_bytes() == b"good"
    assert all_files(local_storage.root) == ["b/.k.meta.json", "b/k"]


def test_without_hard_links_writes_stay_conditional(local_storage: LocalStorage,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(storage.local.os, "link", no_links)
    blob = local_storage.put_bytes("b/k", b"one", content_type="text/plain")
    assert local_storage.put_bytes("b/k", b"one", content_type="text/plain") == blob
    with pytest.raises(storage.ConflictError):
        local_storage.put_bytes("b/k", b"two", content_type="text/plain")
    assert all_files(local_storage.root) == ["b/.k.meta.json", "b/k"]


def test_stat_without_sidecar_hashes_the_file(local_storage: LocalStorage) -> None:
    (local_storage.root / "b").mkdir(parents=True)
    (local_storage.root / "b/by-hand.jpg").write_bytes(b"placed by hand")
    blob = local_storage.stat("b/by-hand.jpg")
    assert blob.sha256 == hashlib.sha256(b"placed by hand").hexdigest()
    assert blob.size == len(b"placed by hand")


def test_a_stale_sidecar_is_not_believed(local_storage: LocalStorage) -> None:
    local_storage.put_bytes("b/k", b"original", content_type="text/plain")
    (local_storage.root / "b/k").write_bytes(b"edited by hand, longer")
    assert local_storage.stat("b/k").sha256 == hashlib.sha256(b"edited by hand, longer").hexdigest()


def test_conflict_compares_the_file_not_the_sidecar(local_storage: LocalStorage) -> None:
    local_storage.put_bytes("b/k", b"AAAA", content_type="text/plain")
    (local_storage.root / "b/k").write_bytes(b"BBBB")  # same size: the sidecar now lies
    with pytest.raises(storage.ConflictError):
        local_storage.put_bytes("b/k", b"AAAA", content_type="text/plain")


def test_traversal_never_touches_files_outside_the_root(local_storage: LocalStorage, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"keep")
    with pytest.raises(storage.InvalidKeyError):
        local_storage.put_bytes("../outside.txt", b"overwrite", content_type="text/plain")
    with pytest.raises(storage.InvalidKeyError):
        local_storage.delete("../outside.txt")
    assert outside.read_bytes() == b"keep"


def test_check_fails_clearly_when_the_root_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(StorageError, match="not writable"):
        LocalStorage(tmp_path / "file").check()


def test_check_leaves_nothing_behind(local_storage: LocalStorage) -> None:
    local_storage.check()
    assert list(local_storage.root.iterdir()) == []
