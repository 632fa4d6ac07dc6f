"""One behaviour suite for both backends: local folder and S3 (moto's server, over HTTP)."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

from storage import Blob, ConflictError, InvalidKeyError, Storage, StorageError

BACKENDS = ["local", pytest.param("s3", marks=pytest.mark.integration)]
BAD_KEYS = ["", "../escape", "a/../../escape", "/etc/passwd", "a//b", "a/./b", "a/", ".hidden", "a/.meta",
            "a\\..\\b", "a/b\x00c", "a b", "ä/b"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Storage:
    return request.getfixturevalue(f"{request.param}_storage")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read(store: Storage, key: str) -> bytes:
    with store.open(key) as stream:
        return stream.read()


def test_backend_implements_the_protocol(store: Storage) -> None:
    assert isinstance(store, Storage)


def test_put_bytes_then_read_back_everything(store: Storage, tmp_path: Path) -> None:
    data = os.urandom(3000)
    blob = store.put_bytes("myposter/reports/ord_1/itm_1/r1.json", data, content_type="application/json")

    assert blob == Blob(key="myposter/reports/ord_1/itm_1/r1.json", size=3000, sha256=sha(data),
                        content_type="application/json")
    assert store.exists(blob.key)
    assert store.stat(blob.key) == blob
    assert read(store, blob.key) == data
    store.download(blob.key, tmp_path / "copy.json")
    assert (tmp_path / "copy.json").read_bytes() == data


def test_put_file_streams_a_file(store: Storage, tmp_path: Path) -> None:
    source = tmp_path / "print.pdf"
    source.write_bytes(b"%PDF-1.6\n" + os.urandom(70_000))
    blob = store.put_file("myposter/printfiles/ord_1/itm_1/r1.pdf", source, content_type="application/pdf")

    assert (blob.size, blob.sha256) == (source.stat().st_size, sha(source.read_bytes()))
    assert read(store, blob.key) == source.read_bytes()


def test_missing_keys(store: Storage, tmp_path: Path) -> None:
    key = "myposter/uploads/" + "0" * 64
    assert not store.exists(key)
    with pytest.raises(KeyError):
        store.open(key)
    with pytest.raises(KeyError):
        store.stat(key)
    with pytest.raises(KeyError):
        store.download(key, tmp_path / "nothing")
    assert not (tmp_path / "nothing").exists()
    store.delete(key)  # deleting what is not there is fine


def test_delete_removes_the_object(store: Storage) -> None:
    store.put_bytes("kartenliebe/previews/o/i/r1.jpg", b"jpeg", content_type="image/jpeg")
    store.delete("kartenliebe/previews/o/i/r1.jpg")
    assert not store.exists("kartenliebe/previews/o/i/r1.jpg")
    # ... and the key can be written afresh with other bytes
    store.put_bytes("kartenliebe/previews/o/i/r1.jpg", b"other", content_type="image/jpeg")
    assert read(store, "kartenliebe/previews/o/i/r1.jpg") == b"other"


def test_same_bytes_again_is_a_no_op(store: Storage, tmp_path: Path) -> None:
    data = os.urandom(1000)
    first = store.put_bytes("b/k", data, content_type="image/png", filename="a.png")
    source = tmp_path / "same.bin"
    source.write_bytes(data)
    assert store.put_file("b/k", source, content_type="image/png", filename="a.png") == first
    assert store.put_bytes("b/k", data, content_type="image/png", filename="a.png") == first
    assert store.stat("b/k") == first


def test_different_bytes_under_an_existing_key_is_a_conflict(store: Storage, tmp_path: Path) -> None:
    store.put_bytes("b/k", b"first version", content_type="text/plain")
    with pytest.raises(ConflictError, match="different content"):
        store.put_bytes("b/k", b"second version", content_type="text/plain")
    other = tmp_path / "other.txt"
    other.write_bytes(b"third version")
    with pytest.raises(ConflictError):
        store.put_file("b/k", other, content_type="text/plain")
    assert read(store, "b/k") == b"first version"
    assert store.stat("b/k").sha256 == sha(b"first version")


def test_large_file_round_trips_with_its_checksum(store: Storage, tmp_path: Path) -> None:
    """Above the 5 MiB test threshold S3 goes multipart; the whole-file SHA-256 must survive."""
    source = tmp_path / "big.pdf"
    data = os.urandom(5 * 1024 * 1024 + 4097)
    source.write_bytes(data)
    blob = store.put_file("myposter/printfiles/ord_2/itm_1/r1.pdf", source, content_type="application/pdf",
                          filename="poster.pdf")
    assert blob.sha256 == sha(data) and blob.size == len(data)
    assert store.stat(blob.key) == blob
    store.download(blob.key, tmp_path / "back.pdf")
    assert (tmp_path / "back.pdf").read_bytes() == data
    # a rerun of the big file is still a no-op, a different big file still a conflict
    assert store.put_file(blob.key, source, content_type="application/pdf", filename="poster.pdf") == blob
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    with pytest.raises(ConflictError):
        store.put_file(blob.key, changed, content_type="application/pdf")


def test_content_type_and_download_name_are_kept(store: Storage) -> None:
    store.put_bytes("kartenliebe/printfiles/o/i/r2.pdf", b"%PDF", content_type="application/pdf",
                    filename="Grüße an Zoë.pdf")
    blob = store.stat("kartenliebe/printfiles/o/i/r2.pdf")
    assert blob.content_type == "application/pdf"
    assert blob.filename == "Grüße an Zoë.pdf"


def test_download_name_loses_folders(store: Storage) -> None:
    blob = store.put_bytes("b/n", b"x", content_type="text/plain", filename="../../etc/passwd")
    assert blob.filename == "passwd" == store.stat("b/n").filename


def test_checksum_survives_a_new_backend_instance(store: Storage, request: pytest.FixtureRequest) -> None:
    data = b"content addressed"
    store.put_bytes("b/c", data, content_type="text/plain")
    if hasattr(store, "root"):
        from storage.local import LocalStorage

        again: Storage = LocalStorage(store.root)
    else:
        from storage.s3 import S3Storage

        again = S3Storage(store.bucket, store.prefix, store.client)
    assert again.stat("b/c").sha256 == sha(data)


@pytest.mark.parametrize("key", BAD_KEYS)
def test_unsafe_keys_are_rejected_everywhere(store: Storage, key: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidKeyError):
        store.put_bytes(key, b"x", content_type="text/plain")
    for call in (store.open, store.stat, store.exists, store.delete, store.url):
        with pytest.raises(InvalidKeyError):
            call(key)
    with pytest.raises(InvalidKeyError):
        store.download(key, tmp_path / "out")


def test_concurrent_writers_of_the_same_bytes_all_succeed(store: Storage) -> None:
    data = os.urandom(20_000)
    results: list[object] = []

    def write() -> None:
        try:
            results.append(store.put_bytes("b/race", data, content_type="image/jpeg"))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            results.append(exc)

    threads = [threading.Thread(target=write) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(r, Blob) and r.sha256 == sha(data) for r in results), results
    assert read(store, "b/race") == data


def test_concurrent_writers_of_different_bytes_one_wins(store: Storage) -> None:
    payloads = [bytes([n]) * 5000 for n in range(6)]
    results: dict[int, object] = {}

    def write(n: int) -> None:
        try:
            results[n] = store.put_bytes("b/race2", payloads[n], content_type="image/jpeg")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            results[n] = exc

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [n for n, r in results.items() if isinstance(r, Blob)]
    assert len(winners) == 1, results
    assert all(isinstance(r, (ConflictError, StorageError)) for n, r in results.items() if n != winners[0])
    assert read(store, "b/race2") == payloads[winners[0]]


def test_check_passes_on_a_working_backend(store: Storage) -> None:
    store.check()


def test_missing_source_file_is_a_clear_storage_error(store: Storage, tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="cannot read"):
        store.put_file("b/k", tmp_path / "gone.pdf", content_type="application/pdf")
    assert not store.exists("b/k")
