"""render.limits: the budget and refusals that run before a pixel is decoded (the file's own bytes:
test_sniff.py; its completeness: test_integrity.py)."""

from __future__ import annotations

import pytest
import pyvips

from render import limits
from render.errors import InputRefused, RenderError
from render.limits import MB, Header, Limits, check_limits, decode_cost, lock_down
from render.source import inspect
from tests import imagegen
from tests.render.hostile import _noisy


def _header(**kw) -> Header:
    base = {"format": "jpeg", "width": 6000, "height": 4000, "bands": 3, "sample_format": "uchar",
            "interpretation": "srgb"}
    return Header(**{**base, **kw})


def test_streaming_cost_is_the_decoded_bytes():
    cost = decode_cost(_header())
    assert (cost.decoded, cost.total, cost.why) == (72_000_000, 72_000_000, "")


def test_non_streamable_decodes_count_what_they_hold():
    progressive = decode_cost(_header(progressive=True, jpeg_samples=1.5))
    assert progressive.held == 72_000_000 and progressive.copies == 2  # 16-bit coefficients of 4:2:0
    interlaced = decode_cost(_header(format="png", interlaced=True))
    assert interlaced.total == 3 * 72_000_000
    turned = decode_cost(_header(format="tiff", bands=4, sample_format="ushort", interpretation="cmyk",
                                 orientation=6))
    assert turned.why == "EXIF orientation 5-8" and turned.total == 7 * 6000 * 4000 * 8


def test_everyday_photos_fit_the_default_budget():
    for header in (_header(width=12000, height=8333),  # 100 MP baseline JPEG
                   _header(progressive=True, jpeg_samples=1.5),  # 24 MP progressive
                   _header(width=8000, height=6000, orientation=6)):  # 48 MP phone photo, turned
        check_limits(header, Limits())


@pytest.mark.parametrize(("header", "code"), [
    (_header(width=100_000, height=100_000), "too-many-pixels"),
    (_header(width=12000, height=8333, format="png", sample_format="ushort", interpretation="rgb16"),
     "decode-too-large"),
    (_header(width=12000, height=8333, progressive=True, jpeg_samples=1.5), "decode-too-large"),
    (_header(pages=101), "too-many-pages"),
    (_header(bands=6, interpretation="multiband"), "unsupported-bands"),
    (_header(bands=5, interpretation="srgb"), "unsupported-bands"),
    (_header(bands=64, sample_format="float"), "unsupported-sample-format"),
    (_header(sample_format="double"), "unsupported-sample-format"),
    (_header(sample_format="complex"), "unsupported-sample-format"),
], ids=["pixels", "16-bit-100mp", "progressive-100mp", "pages", "6-bands", "5-bands-rgb", "64-float", "double",
        "complex"])
def test_refusals_name_the_reason(header, code):
    with pytest.raises(InputRefused) as refused:
        check_limits(header, Limits())
    assert refused.value.code == code and isinstance(refused.value, RenderError)


def test_budget_message_says_what_to_do():
    with pytest.raises(InputRefused, match="baseline .non-progressive. JPEG"):
        check_limits(_header(width=12000, height=8333, progressive=True, jpeg_samples=1.5), Limits())


def test_configured_limits_apply_to_inspect(tmp_path):
    photo = imagegen.photo_jpeg(tmp_path / "p.jpg", 64, 64)
    before = limits.current()
    limits.configure(Limits(max_decode_bytes=1000))
    try:
        with pytest.raises(InputRefused, match="limit of 0 MB"):
            inspect(photo)
    finally:
        limits.configure(before)
    assert inspect(photo).width == 64


def test_lock_down_blocks_every_loader_but_ours():
    lock_down()
    lock_down()  # idempotent
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'
    with pytest.raises(pyvips.Error):
        pyvips.Image.new_from_buffer(svg, "")
    with pytest.raises(pyvips.Error):
        pyvips.Image.new_from_buffer(b"1,2\n3,4\n", "", )
    jpeg = _noisy(8, 8).jpegsave_buffer()
    assert pyvips.Image.new_from_buffer(jpeg, "").width == 8


def test_default_budget_matches_the_settings_default():
    from printline.settings import Settings

    settings = Settings()
    assert settings.max_decode_bytes == limits.DEFAULT_MAX_DECODE_BYTES == 400 * MB
    assert settings.max_pages == limits.DEFAULT_MAX_PAGES
