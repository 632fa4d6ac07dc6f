"""The storage key layout (ARCHITECTURE.md "Storage keys") and the one check every backend applies.

Keys are deterministic, so a task run twice writes the same keys and the conditional writes of
the backends turn the rerun into a no-op instead of a silent replacement.
"""

from __future__ import annotations

import re

from storage.base import InvalidKeyError

MAX_KEY_BYTES = 1024  # S3's limit; the local backend keeps the same one
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._=-]*")
_BRAND = re.compile(r"[a-z][a-z0-9-]{0,39}")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def check_key(key: str) -> str:
    """Return `key` if it is a safe relative path of plain segments, else raise InvalidKeyError.

    Rejected: empty keys, absolute paths, backslashes, empty, `.` or `..` segments, segments that
    start with a dot (the local backend keeps temp files and metadata there) and any character
    outside letters, digits and `._=-`.
    """
    if not isinstance(key, str) or not key:
        raise InvalidKeyError(f"storage key {key!r} is empty; give a relative path such as 'brand/uploads/<sha256>'")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise InvalidKeyError(f"storage key is longer than {MAX_KEY_BYTES} bytes: {key[:80]!r}...")
    for segment in key.split("/"):
        if not _SEGMENT.fullmatch(segment):
            raise InvalidKeyError(
                f"storage key {key!r} has an unsafe part {segment!r}: keys are relative paths of segments made "
                "of letters, digits and '._=-' that do not start with a dot (no '..', no leading '/')"
            )
    return key


def _brand(brand: str) -> str:
    if not isinstance(brand, str) or not _BRAND.fullmatch(brand):
        raise InvalidKeyError(f"brand {brand!r} is not a brand slug (lowercase letters, digits, '-')")
    return brand


def _ident(what: str, value: str) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise InvalidKeyError(f"{what} {value!r} is not a plain id (letters, digits, '_' and '-', up to 64)")
    return value


def _version(version: int) -> int:
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise InvalidKeyError(f"render version {version!r} must be a whole number from 1")
    return version


def upload_key(brand: str, sha256: str) -> str:
    """`{brand}/uploads/{sha256}`: originals are content-addressed within their brand."""
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise InvalidKeyError(f"upload checksum {sha256!r} is not a lowercase hex SHA-256 (64 characters)")
    return f"{_brand(brand)}/uploads/{sha256}"


def _render_key(kind: str, ext: str, brand: str, order_id: str, item_id: str, version: int) -> str:
    return (
        f"{_brand(brand)}/{kind}/{_ident('order id', order_id)}/{_ident('item id', item_id)}"
        f"/r{_version(version)}.{ext}"
    )


def printfile_key(brand: str, order_id: str, item_id: str, version: int) -> str:
    """`{brand}/printfiles/{order}/{item}/r{version}.pdf`."""
    return _render_key("printfiles", "pdf", brand, order_id, item_id, version)


def preview_key(brand: str, order_id: str, item_id: str, version: int) -> str:
    """`{brand}/previews/{order}/{item}/r{version}.jpg` (sRGB soft proof)."""
    return _render_key("previews", "jpg", brand, order_id, item_id, version)


def report_key(brand: str, order_id: str, item_id: str, version: int) -> str:
    """`{brand}/reports/{order}/{item}/r{version}.json` (render + preflight findings)."""
    return _render_key("reports", "json", brand, order_id, item_id, version)


def overlay_key(brand: str, order_id: str, item_id: str, version: int) -> str:
    """`{brand}/overlays/{order}/{item}/r{version}.jpg` (preview with trim and safe-zone lines, for QA)."""
    return _render_key("overlays", "jpg", brand, order_id, item_id, version)


def proof_prefix(brand: str, order_id: str, item_id: str, version: int) -> str:
    """`{brand}/proofs/{order}/{item}/r{version}`: QA's tile pyramids (`s{n}.dzi`, `s{n}_files/{level}/
    {col}_{row}.jpg`), source previews (`s{n}-source.jpg`) and their `manifest.json`."""
    return (f"{_brand(brand)}/proofs/{_ident('order id', order_id)}/{_ident('item id', item_id)}"
            f"/r{_version(version)}")


def sheet_key(brand: str, sheet_id: str) -> str:
    """`{brand}/sheets/{sheet}.pdf`: a press sheet run of gang-imposed cards (one PDF, all its sheets)."""
    return f"{_brand(brand)}/sheets/{_ident('sheet id', sheet_id)}.pdf"
