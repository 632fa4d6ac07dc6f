"""`render.probe.probe_image`: what the API may check of an upload without rendering — stored and upright
size, orientation, format, pages, profile, decode cost — or a ProbeError with a stable code; limits from
the arguments or the process-wide ones. (The hostile corpus through the probe: test_hostile.py.)"""

from __future__ import annotations

import pytest

from render import limits
from render.probe import ProbeError, probe_image
from tests import imagegen
from tests.render.helpers import builtin_profile, with_profile


def test_the_header_says_size_orientation_and_format(tmp_path):
    path = imagegen.photo_jpeg(tmp_path / "turned.jpg", 300, 200, orientation=6)
    info = probe_image(path)
    assert (info.format, info.width, info.height) == ("jpeg", 300, 200)
    assert (info.upright_width, info.upright_height, info.orientation) == (200, 300, 6)
    assert (info.pages, info.bands, info.interpretation, info.has_icc_profile) == (1, 3, "srgb", False)
    assert info.decode_bytes == limits.decode_cost(limits.Header(
        format="jpeg", width=300, height=200, bands=3, sample_format="uchar", interpretation="srgb",
        orientation=6)).total


def test_an_embedded_profile_is_noticed(tmp_path):
    path = tmp_path / "p3.png"
    with_profile(imagegen.gradient_rgb(40, 30), builtin_profile("p3")).pngsave(str(path))
    assert probe_image(path).has_icc_profile is True


def test_limits_given_override_the_process_wide_ones(tmp_path):
    path = imagegen.photo_jpeg(tmp_path / "p.jpg", 400, 300)
    assert probe_image(path).width == 400
    with pytest.raises(ProbeError) as refused:
        probe_image(path, max_pixels=100_000)
    assert refused.value.code == "too-many-pixels" and str(refused.value)


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty"), (b"hello, no image", "not-an-image"), (b"GIF89a" + b"\0" * 3, "not-an-image"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "unsupported-format"),
])
def test_what_is_no_printable_image_has_a_code(tmp_path, data, code):
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    with pytest.raises(ProbeError) as refused:
        probe_image(path)
    assert refused.value.code == code and "upload.bin" in str(refused.value)
