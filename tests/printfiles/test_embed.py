"""`printfiles.embed`: rasters go into the PDF byte for byte — an image XObject with a placeholder that
carries the raster's hash, then `splice_rasters` copies the raster file's bytes in its place, fixing
/Length and the xref table; a CMYK JPEG written Adobe-style gets /Decode [1 0 ...]."""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

import pikepdf
import pytest
import pyvips

from printfiles.embed import MARKER_PREFIX, RasterFile, placeholder_image, splice_rasters
from printfiles.layout import PT_PER_MM
from profiles.printers import Printer

NO_SLUG = Printer(id="bare", name="no marks, no slug")


def cmyk_jpeg(path: Path, width: int = 40, height: int = 30) -> RasterFile:
    """A small CMYK JPEG as libvips writes them (Adobe APP14, inverted samples)."""
    x = pyvips.Image.xyz(width, height)
    image = (x[0] * 4).bandjoin([x[1] * 6, x[0] + x[1], 40]).cast("uchar").copy(interpretation="cmyk")
    image.jpegsave(str(path), Q=90)
    return RasterFile(path=path, encoding="DCT", width_px=width, height_px=height)


def flate_raster(path: Path, width: int = 8, height: int = 4) -> RasterFile:
    path.write_bytes(zlib.compress(bytes(n % 256 for n in range(width * height * 4))))
    return RasterFile(path=path, encoding="Flate", width_px=width, height_px=height)


def _draft(tmp_path: Path, rasters: list[RasterFile], **save) -> tuple[Path, dict[bytes, Path]]:
    """A one-page PDF drawing each raster, saved with placeholders (as compose.write_printfile does)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(100, 100))
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary())
    markers, ops = {}, []
    for n, raster in enumerate(rasters):
        image, marker = placeholder_image(pdf, raster, n)
        markers[marker] = raster.path
        page.obj.Resources.XObject[f"/Im{n}"] = image
        ops.append(f"q 50 0 0 50 {n * 50} 0 cm /Im{n} Do Q")
    page.obj.Contents = pdf.make_stream("\n".join(ops).encode())
    draft = tmp_path / "draft.pdf"
    pdf.save(draft, object_stream_mode=save.get("mode", pikepdf.ObjectStreamMode.disable),
             compress_streams=False)
    return draft, markers


def test_the_placeholder_names_the_raster_and_says_how_to_read_it(tmp_path):
    jpeg = cmyk_jpeg(tmp_path / "a.jpg")
    flate = flate_raster(tmp_path / "b.bin")
    pdf = pikepdf.new()
    image, marker = placeholder_image(pdf, jpeg, 3)
    digest = hashlib.sha256(jpeg.path.read_bytes()).hexdigest()
    assert marker == MARKER_PREFIX + f"0003-{digest}".encode() and image.read_raw_bytes() == marker
    assert (image.Filter, image.ColorSpace, int(image.Width), int(image.Height)) == (
        "/DCTDecode", "/DeviceCMYK", 40, 30)
    assert [float(v) for v in image.Decode] == [1, 0] * 4  # libvips' CMYK JPEG is Adobe-inverted
    other, other_marker = placeholder_image(pdf, flate, 4)
    assert other.Filter == "/FlateDecode" and "/Decode" not in other
    hashed = RasterFile(path=flate.path, encoding="Flate", width_px=8, height_px=4, sha256="ab" * 32)
    assert placeholder_image(pdf, hashed, 5)[1].endswith(b"ab" * 32)  # a hash given is used as it is
    with pytest.raises(ValueError, match="unknown raster encoding"):
        placeholder_image(pdf, RasterFile(path=flate.path, encoding="JPX", width_px=1, height_px=1), 6)


def test_splicing_puts_each_rasters_bytes_in_a_valid_pdf(tmp_path):
    rasters = [cmyk_jpeg(tmp_path / "a.jpg"), flate_raster(tmp_path / "b.bin")]
    draft, markers = _draft(tmp_path, rasters)
    out = splice_rasters(draft, tmp_path / "out.pdf", markers)
    assert out == tmp_path / "out.pdf" and not (tmp_path / "out.pdf.part").exists()
    with pikepdf.open(out) as pdf:
        assert pdf.check_pdf_syntax() == []  # lengths and xref table right
        images = pdf.pages[0].Resources.XObject
        assert images.Im0.read_raw_bytes() == rasters[0].path.read_bytes()
        assert images.Im1.read_raw_bytes() == rasters[1].path.read_bytes()
        assert int(images.Im0.Length) == rasters[0].path.stat().st_size
    assert MARKER_PREFIX not in out.read_bytes()


def test_splicing_refuses_what_it_cannot_do_exactly(tmp_path):
    raster = cmyk_jpeg(tmp_path / "a.jpg")
    draft, markers = _draft(tmp_path, [raster])
    with pytest.raises(ValueError, match="exactly once"):
        splice_rasters(draft, tmp_path / "out.pdf", {MARKER_PREFIX + b"9999-none": raster.path})
    (tmp_path / "packed").mkdir()
    packed, packed_markers = _draft(tmp_path / "packed", [raster], mode=pikepdf.ObjectStreamMode.generate)
    with pytest.raises(ValueError, match="classic xref"):
        splice_rasters(packed, tmp_path / "out2.pdf", packed_markers)
    assert not (tmp_path / "out.pdf").exists() and not (tmp_path / "out2.pdf").exists()


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
