"""`render.integrity`: image data checked complete before a render trusts a decode libvips calls fine —
a JPEG cut short with an end marker pasted on is refused as truncated, a motion photo's trailer is not
(its cost is bench/render.py's to measure, not a timed test's)."""

from __future__ import annotations


import pytest

from render.errors import InputRefused
from render.integrity import check_complete
from tests.render.hostile import _noisy


def test_motion_photo_passes_and_a_cut_jpeg_with_eoi_does_not(tmp_path):
    data = (tmp_path / "j.jpg").write_bytes(_noisy(600, 400).jpegsave_buffer(Q=90)) and (tmp_path / "j.jpg")
    full = data.read_bytes()
    motion = tmp_path / "motion.jpg"
    motion.write_bytes(full + b"\0\0\0\x18ftypmp42" + b"\1" * 5000)
    check_complete(motion, "jpeg")
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(full[: len(full) // 2] + b"\xff\xd9")
    with pytest.raises(InputRefused) as refused:
        check_complete(cut, "jpeg")
    assert refused.value.code == "truncated"



def test_a_harmless_warning_is_not_a_refusal(tmp_path):
    """Stray bytes before the scan make libjpeg warn ("extraneous bytes before marker"), which
    stops a `fail_on="warning"` decode; the check decodes again, failing only on errors."""
    full = _noisy(600, 400).jpegsave_buffer(Q=90)
    scan = full.find(b"\xff\xda")
    padded = tmp_path / "padded.jpg"
    padded.write_bytes(full[:scan] + b"\x00\x00\x00" + full[scan:])
    check_complete(padded, "jpeg")
