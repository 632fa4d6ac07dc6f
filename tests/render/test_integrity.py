"""`render.integrity`: image data checked complete before a render trusts a decode libvips calls fine —
a JPEG cut short with an end marker pasted on is refused as truncated, a motion photo's trailer is not,
and the check stays cheap on a 24 MP photo."""

from __future__ import annotations

import time

import pytest

from render.errors import InputRefused
from render.integrity import check_complete
from tests import imagegen
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


def test_truncation_check_is_cheap_on_24_mp(tmp_path):
    """Decoding at 1/8 scale walks all entropy data but skips most IDCT work: ~160 ms for 24 MP on
    2 cores (a full decode is ~5x that); the bound here leaves room for a slow CI machine."""
    path = tmp_path / "24mp.jpg"
    imagegen.gradient_rgb(6000, 4000).jpegsave(str(path), Q=90)
    started = time.perf_counter()
    check_complete(path, "jpeg")
    assert time.perf_counter() - started < 1.5
