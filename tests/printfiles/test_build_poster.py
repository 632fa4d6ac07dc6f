"""build_item for a single-image poster: boxes, untouched pixels, PDF/X-4 structure, report, determinism."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import replace

import pikepdf
import pytest

import render.pipeline
from printfiles.build import LayoutError
from printfiles.layout import PT_PER_MM
from profiles.icc import output_profile
from profiles.printers import Printer
from render.errors import RenderError

NO_SLUG = Printer(id="bare", name="no marks, no slug")


def _mm(array) -> list[float]:
    return [float(v) / PT_PER_MM for v in array]


@pytest.fixture
def recorded(monkeypatch, tmp_path):
    """Wrap render_slot so tests see its results, the hashes of the rasters and copies of the previews."""
    calls = []
    original = render.pipeline.render_slot

    def wrapper(source, request, out_dir, name="slot"):
        result = original(source, request, out_dir, name)
        keep = tmp_path / f"kept-{len(calls)}-preview.jpg"
        shutil.copyfile(result.preview_path, keep)
        calls.append(
            (
                result.model_copy(update={"preview_path": keep}),
                hashlib.sha256(result.image_path.read_bytes()).hexdigest(),
            )
        )
        return result

    monkeypatch.setattr(render.pipeline, "render_slot", wrapper)
    return calls


def test_poster_without_slug_boxes_exact(build):
    result = build("poster-50x70", printer=NO_SLUG)
    with pikepdf.open(result.printfile) as pdf:
        [page] = pdf.pages
        media, bleed, trim = (_mm(page.obj[k]) for k in ("/MediaBox", "/BleedBox", "/TrimBox"))
    assert media == pytest.approx([0, 0, 506, 706], abs=0.01)
    assert bleed == pytest.approx(media, abs=0.01)
    assert trim == pytest.approx([3, 3, 503, 703], abs=0.01)


def test_image_fills_the_page_untouched(build, recorded):
    result = build("poster-50x70", printer=NO_SLUG)
    [(render_result, raster_hash)] = recorded
    with pikepdf.open(result.printfile) as pdf:
        page = pdf.pages[0]
        [(name, image)] = list(page.Resources.XObject.items())
        assert image.Filter == "/DCTDecode"
        assert "/DecodeParms" not in image
        assert hashlib.sha256(image.read_raw_bytes()).hexdigest() == raster_hash
        assert (int(image.Width), int(image.Height)) == (render_result.width_px, render_result.height_px)
        assert image.ColorSpace == "/DeviceCMYK"
        decode = [float(v) for v in image.get("/Decode", [])]
        assert decode == ([1, 0] * 4 if render_result.adobe_inverted else [])
        ops = [
            (str(op), [float(o) for o in operands])
            for operands, op in pikepdf.parse_content_stream(page)
            if str(op) == "cm"
        ]
    a, _, _, d, e, f = ops[0][1]
    assert [e / PT_PER_MM, f / PT_PER_MM, a / PT_PER_MM, d / PT_PER_MM] == pytest.approx(
        [0, 0, 506, 706], abs=0.01
    )
    placed_ppi = render_result.width_px / (a / 72)
    assert placed_ppi == pytest.approx(result.report.slots[0].raster_ppi, abs=0.01)
    # equal to the render's ppi up to the rounding of the raster to whole pixels
    assert abs(placed_ppi - render_result.ppi) <= render_result.ppi / render_result.width_px
    [image_info] = result.report.preflight.images
    assert image_info.ppi_x == pytest.approx(placed_ppi, abs=0.01)


@pytest.mark.tools
def test_lossless_product_embeds_the_flate_stream_untouched(build, recorded, tool, tmp_path):
    from tests.printfiles.test_proof import check_against_preview

    result = build("poster-20x30", product_changes={"lossless": True})
    [(render_result, raster_hash)] = recorded
    assert render_result.encoding == "Flate"
    with pikepdf.open(result.printfile) as pdf:
        [image] = list(pdf.pages[0].Resources.XObject.values())
        assert image.Filter == "/FlateDecode" and "/Decode" not in image
        assert hashlib.sha256(image.read_raw_bytes()).hexdigest() == raster_hash
    assert result.report.preflight.images[0].max_ink_percent is not None
    check_against_preview(result, tool("gs"), tmp_path / "gs", dpi=20)


def test_pdfx4_structure(build, meta):
    result = build("poster-50x70")
    profile = output_profile("FOGRA39")
    with pikepdf.open(result.printfile) as pdf:
        assert pdf.pdf_version >= "1.6"
        info = pdf.trailer.Info
        assert str(info.GTS_PDFXVersion) == "PDF/X-4"
        assert info.Trapped == pikepdf.Name("/False")
        assert str(info.CreationDate) == "D:20261124120000+00'00'"
        for word in ("myposter", meta.order_ref, f"item {meta.item_ref}"):
            assert word in str(info.Title)
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert intent.DestOutputProfile.read_bytes() == profile.data()
        assert int(intent.DestOutputProfile.N) == 4
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "/Filter" not in pdf.Root.Metadata.stream_dict  # XMP stays readable
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert re.search(r"<xmpMM:DocumentID>uuid:[0-9a-f-]{36}</xmpMM:DocumentID>", xmp)
    assert re.search(r"<xmpMM:InstanceID>uuid:[0-9a-f-]{36}</xmpMM:InstanceID>", xmp)
    assert "<xmp:CreateDate>2026-11-24T12:00:00Z</xmp:CreateDate>" in xmp
    assert "<pdf:Producer>" in xmp and "<pdf:Trapped>False</pdf:Trapped>" in xmp
    assert meta.order_ref in xmp
    pre = result.report.preflight
    assert pre.pdfx.info_version == pre.pdfx.xmp_version == "PDF/X-4"
    assert pre.output_intents[0].matches_product is True
    assert [f.code for f in pre.findings] == []


def test_same_inputs_give_identical_bytes(build, meta, tmp_path):
    first = build("poster-30x40", out=tmp_path / "a").printfile.read_bytes()
    second = build("poster-30x40", out=tmp_path / "b").printfile.read_bytes()
    assert first == second
    third = build("poster-30x40", out=tmp_path / "c", meta_=replace(meta, version=2)).printfile
    with pikepdf.open(third) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode()
    ids = re.findall(rb"<xmpMM:(?:Document|Instance)ID>uuid:([0-9a-f-]+)<", first)
    new_ids = re.findall(r"<xmpMM:(?:Document|Instance)ID>uuid:([0-9a-f-]+)<", xmp)
    assert ids[0].decode() == new_ids[0]  # same job: same document
    assert ids[1].decode() != new_ids[1]  # new render version: new instance


def test_report_json_carries_what_issue_2_asks(build, photo):
    result = build("poster-50x70", orientation="landscape")
    data = json.loads(result.report_path.read_text())
    assert data == json.loads(result.report.model_dump_json())
    [slot] = data["slots"]
    assert (slot["source_width_px"], slot["source_height_px"]) == (600, 800)
    assert slot["effective_ppi"] == pytest.approx(slot["render"]["metrics"]["effective_ppi"])
    assert slot["scale_factor"] == pytest.approx(slot["render"]["metrics"]["scale_factor"])
    assert data["output"]["colour_space"] == "DeviceCMYK" and data["output"]["output_profile"] == "FOGRA39"
    [page] = data["pages"]
    assert (page["trim"]["width_mm"], page["trim"]["height_mm"]) == (700, 500)
    assert page["bleed"]["width_mm"] == pytest.approx(706)
    assert data["preflight"]["page_count"] == 1
    assert data["verdict"] in {"ok", "warn", "fail"}
    codes = {f["code"] for f in data["findings"]}
    assert codes >= {f["code"] for f in slot["render"]["findings"]}
    assert result.preview.exists() and result.overlay is not None and result.overlay.exists()


def test_preview_is_the_render_preview_for_a_poster(build, recorded):
    import pyvips

    result = build("poster-20x30", printer=NO_SLUG)
    [(render_result, _)] = recorded
    assert result.preview.read_bytes() == render_result.preview_path.read_bytes()
    preview = pyvips.Image.new_from_file(str(result.preview))
    assert max(preview.width, preview.height) == 1200
    overlay = pyvips.Image.new_from_file(str(result.overlay))
    assert (overlay.width, overlay.height) == (preview.width, preview.height)
    assert (overlay.cast("float") - preview.cast("float")).abs().max() > 100  # the lines are drawn


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
