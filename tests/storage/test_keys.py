"""The key layout of ARCHITECTURE.md and the key check every backend applies."""

from __future__ import annotations

import hashlib

import pytest

from storage import InvalidKeyError
from storage.keys import check_key, overlay_key, preview_key, printfile_key, report_key, upload_key

SHA = hashlib.sha256(b"photo").hexdigest()


def test_layout() -> None:
    assert upload_key("myposter", SHA) == f"myposter/uploads/{SHA}"
    assert printfile_key("myposter", "ord_ab12", "itm_cd34", 1) == "myposter/printfiles/ord_ab12/itm_cd34/r1.pdf"
    assert preview_key("kartenliebe", "ord_1", "itm_2", 3) == "kartenliebe/previews/ord_1/itm_2/r3.jpg"
    assert report_key("kartenliebe", "ord_1", "itm_2", 3) == "kartenliebe/reports/ord_1/itm_2/r3.json"
    assert overlay_key("kartenliebe", "ord_1", "itm_2", 3) == "kartenliebe/overlays/ord_1/itm_2/r3.jpg"


def test_versions_give_distinct_keys() -> None:
    keys = {make("myposter", "o", "i", v) for v in (1, 2) for make in (printfile_key, preview_key, report_key,
                                                                        overlay_key)}
    assert len(keys) == 8
    assert all(check_key(k) == k for k in keys)


@pytest.mark.parametrize("brand", ["", "MyPoster", "../x", "my/poster", "a" * 41, "-x"])
def test_bad_brand(brand: str) -> None:
    with pytest.raises(InvalidKeyError, match="brand"):
        upload_key(brand, SHA)


@pytest.mark.parametrize("sha", ["", SHA.upper(), SHA[:-1], SHA + "0", "g" * 64, "../" + SHA[3:]])
def test_bad_checksum(sha: str) -> None:
    with pytest.raises(InvalidKeyError, match="SHA-256"):
        upload_key("myposter", sha)


@pytest.mark.parametrize("ident", ["", "..", "../ord", "ord/1", ".hidden", "ord 1", "x" * 65])
def test_bad_ids(ident: str) -> None:
    with pytest.raises(InvalidKeyError, match="order id"):
        printfile_key("myposter", ident, "itm_1", 1)
    with pytest.raises(InvalidKeyError, match="item id"):
        preview_key("myposter", "ord_1", ident, 1)


@pytest.mark.parametrize("version", [0, -1, True, 1.0, "1"])
def test_bad_version(version: object) -> None:
    with pytest.raises(InvalidKeyError, match="version"):
        report_key("myposter", "ord_1", "itm_1", version)  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["a", "a/b", "myposter/uploads/" + SHA, "x/r1.pdf", "a=b/c-d_e.f"])
def test_good_keys(key: str) -> None:
    assert check_key(key) == key


@pytest.mark.parametrize("key", ["", "/a", "a/", "a//b", "..", "a/../b", "./a", ".a", "a/.b", "a\\b", "a b",
                                 "é", "a\nb", "x" * 1025])
def test_bad_keys(key: str) -> None:
    with pytest.raises(InvalidKeyError):
        check_key(key)
