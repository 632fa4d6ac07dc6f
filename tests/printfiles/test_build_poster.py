"""build_item for a single-image poster: exact boxes, findings and field errors (the raster embedded untouched:
test_embed.py; PDF/X-4 structure and determinism: test_pdfx.py; report.json: test_report.py; preview:
test_preview.py)."""

from __future__ import annotations

import pikepdf
import pytest

from printfiles.build import LayoutError
from printfiles.layout import PT_PER_MM
from profiles.printers import Printer
from render.errors import RenderError

NO_SLUG = Printer(id="bare", name="no marks, no slug")


def _mm(array) -> list[float]:
    return [float(v) / PT_PER_MM for v in array]


def test_poster_without_slug_boxes_exact(build):
    result = build("poster-50x70", printer=NO_SLUG)
    with pikepdf.open(result.printfile) as pdf:
        [page] = pdf.pages
        media, bleed, trim = (_mm(page.obj[k]) for k in ("/MediaBox", "/BleedBox", "/TrimBox"))
    assert media == pytest.approx([0, 0, 506, 706], abs=0.01)
    assert bleed == pytest.approx(media, abs=0.01)
    assert trim == pytest.approx([3, 3, 503, 703], abs=0.01)


def test_low_resolution_photo_is_a_finding_not_a_crash(build, tmp_path):
    from tests import imagegen

    tiny = imagegen.photo_jpeg(tmp_path / "tiny.jpg", 60, 80)
    result = build("poster-20x30", ppi=100, sources={"u1": tiny})
    assert result.report.verdict == "fail"
    assert any(f.severity == "fail" for f in result.report.findings)


def test_customer_errors_name_the_field(build, tmp_path):
    with pytest.raises(LayoutError, match="image: 'poster-50x70' needs a photo in slot 'main'"):
        build("poster-50x70", image=None)
    with pytest.raises(LayoutError, match="was not uploaded"):
        build("poster-50x70", image={"upload_id": "other"})
    with pytest.raises(LayoutError, match=r"images\[0\].slot: 'poster-50x70' has no slot 'back'"):
        build("poster-50x70", images=[{"slot": "back", "image": {"upload_id": "u1"}}])
    with pytest.raises(RenderError, match="texts"):
        build("poster-50x70", texts=[{"area": "greeting", "text": "hi"}])
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not an image")
    with pytest.raises(RenderError):
        build("poster-50x70", sources={"u1": broken})


@pytest.mark.parametrize("eoi", [False, True], ids=["cut", "cut-plus-eoi"])
def test_a_cut_photo_is_refused_as_truncated_every_time(build, tmp_path, eoi):
    """The completeness check tells truncation by libjpeg's "premature end" in libvips' one error
    buffer, which the render's own decode of the same file logs and clears when it ends: run beside
    the render, the check let the file through about one time in six. Ten builds: all refused."""
    from tests import imagegen

    whole = imagegen.photo_jpeg(tmp_path / "whole.jpg", 400, 600).read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole[: len(whole) // 2] + (b"\xff\xd9" if eoi else b""))
    for _ in range(10):
        with pytest.raises(RenderError, match="truncated"):
            build("poster-20x30", sources={"u1": cut})
