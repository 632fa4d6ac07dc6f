"""Content-Disposition values: ASCII fallback plus RFC 8187 `filename*` for any other name."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from storage.disposition import clean_filename, content_disposition


def test_plain_ascii_name() -> None:
    assert content_disposition("poster-40x60.pdf") == 'attachment; filename="poster-40x60.pdf"'


@pytest.mark.parametrize("name", ["Grüße an Zoë.pdf", "写真.jpg", "100% \"quoted\".pdf", "Ærø;copy.pdf"])
def test_any_name_round_trips_through_filename_star(name: str) -> None:
    value = content_disposition(name)
    assert value.isascii()
    fallback = value.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.isascii() and '"' not in fallback and "\\" not in fallback and "%" not in fallback
    star = value.split("filename*=UTF-8''", 1)[1]
    assert unquote(star) == name


def test_accents_fall_back_to_plain_letters() -> None:
    assert 'filename="Zoe.pdf"' in content_disposition("Zoë.pdf")


@pytest.mark.parametrize("raw,clean", [("../../etc/passwd", "passwd"), ("C:\\Users\\x\\photo.jpg", "photo.jpg"),
                                       ("evil\r\nSet-Cookie: x.pdf", "evilSet-Cookie: x.pdf")])
def test_folders_and_control_characters_are_dropped(raw: str, clean: str) -> None:
    assert clean_filename(raw) == clean
    assert "\r" not in content_disposition(raw) and "\n" not in content_disposition(raw)


@pytest.mark.parametrize("raw", ["", "/", "dir/", "..", "\x00"])
def test_unusable_names_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="file name"):
        clean_filename(raw)
