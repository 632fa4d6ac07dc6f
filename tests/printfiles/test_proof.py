"""Proof by outside tools (issue 4.7): qpdf, poppler and Ghostscript read our print files, and
Ghostscript's rendering of each page matches the render's own preview inside the TrimBox."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import pyvips

from profiles.icc import output_profile

ALL_PRODUCTS = [
    "poster-20x30",
    "poster-30x40",
    "poster-40x60",
    "poster-50x70",
    "poster-60x90",
    "poster-70x100",
    "poster-100x150",
    "canvas-40x30",
    "canvas-60x40",
    "canvas-90x60",
    "canvas-120x80",
    "card-a6-folded",
    "card-a6-flat",
    "card-square-folded",
    "invitation-din-long",
]
pytestmark = pytest.mark.tools

COMPARE_EDGE = 150  # px: both images are reduced to this long edge before comparing
TOLERANCE = 8.0  # mean absolute difference per channel, of 255


def smooth_photo(path: Path, width: int = 600, height: int = 800) -> Path:
    """Red grows left to right, green top to bottom, blue along the diagonal, and a dark block top-left:
    smooth enough that resampling differences between tools stay small, asymmetric so a flip shows."""
    xy = pyvips.Image.xyz(width, height)
    red = xy[0] * (255 / (width - 1))
    green = xy[1] * (255 / (height - 1))
    blue = (xy[0] + xy[1]) * (255 / (width + height - 2))
    image = red.bandjoin([green, blue]).cast("uchar").copy(interpretation="srgb")
    image = image.draw_rect([30, 30, 60], width // 8, height // 8, width // 4, height // 5, fill=True)
    image.jpegsave(str(path), Q=95)
    return path


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


def ghostscript_pages(gs: str, pdf: Path, icc: Path, dpi: float, out: Path) -> list[pyvips.Image]:
    """Every page rendered by Ghostscript, DeviceCMYK read through the product's output profile."""
    out.mkdir(exist_ok=True)
    _run(
        gs,
        "-q",
        "-dSAFER",
        "-dBATCH",
        "-dNOPAUSE",
        "-sDEVICE=png16m",
        f"-r{dpi}",
        f"-sDefaultCMYKProfile={icc}",
        "-dRenderIntent=1",
        "-dBlackPtComp=1",
        f"-sOutputFile={out}/page-%d.png",
        str(pdf),
    )
    pages = sorted(out.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))
    return [pyvips.Image.new_from_file(str(p)) for p in pages]


def mean_difference(a: pyvips.Image, b: pyvips.Image) -> list[float]:
    scale = COMPARE_EDGE / max(a.width, a.height)
    a = a.resize(scale, kernel="linear")
    b = b.resize(a.width / b.width, vscale=a.height / b.height, kernel="linear")
    diff = (a[0:3].cast("float") - b[0:3].cast("float")).abs()
    return [diff[i].avg() for i in range(3)]


def check_against_preview(result, gs: str, tmp: Path, dpi: float) -> None:
    report = result.report
    icc = output_profile(report.output.output_profile).path
    tmp.mkdir(parents=True, exist_ok=True)
    pages = ghostscript_pages(gs, result.printfile, icc, dpi, tmp / "gs")
    assert len(pages) == len(report.pages)
    preview = pyvips.Image.new_from_file(str(result.preview))
    px_per_mm = dpi / 25.4
    for page, rendered, where in zip(report.pages, pages, report.preview_pages, strict=True):
        media_h = page.media.height_mm
        assert rendered.width == pytest.approx(page.media.width_mm * px_per_mm, abs=1.5)
        trim = page.trim
        x, y = round(trim.x_mm * px_per_mm), round((media_h - trim.y_mm - trim.height_mm) * px_per_mm)
        ours = rendered.crop(x, y, round(trim.width_mm * px_per_mm), round(trim.height_mm * px_per_mm))
        px, py, pw, ph = where.trim_px
        theirs = preview.crop(round(px), round(py), round(pw), round(ph))
        diff = mean_difference(ours, theirs)
        assert max(diff) < TOLERANCE, (page.name, diff)


@pytest.mark.parametrize("product_id", ALL_PRODUCTS)
def test_every_product_passes_qpdf_poppler_and_ghostscript(build, product_id, tool, tmp_path):
    texts = []
    if product_id.startswith(("card", "invitation")):
        texts = [{"area": "greeting", "text": "Alles Gute! Très bien, ¡olé! Ĳs € „gut“ «oui»"}]
    photo = smooth_photo(tmp_path / "smooth.jpg")
    result = build(product_id, ppi=12, texts=texts, sources={"u1": photo})
    check = subprocess.run([tool("qpdf"), "--check", str(result.printfile)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, (
        check.stdout + check.stderr
    )
    info = _run(tool("pdfinfo"), "-box", "-f", "1", "-l", "99", str(result.printfile))
    assert "PDF subtype:    PDF/X-4" in info
    for page in result.report.pages:
        n = page.index + 1
        for name, box in (("MediaBox", page.media), ("BleedBox", page.bleed), ("TrimBox", page.trim)):
            match = re.search(rf"Page\s+{n} {name}:\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", info)
            assert match, info
            llx, lly, urx, ury = (float(v) * 25.4 / 72 for v in match.groups())
            assert (llx, lly, urx - llx, ury - lly) == pytest.approx(
                (box.x_mm, box.y_mm, box.width_mm, box.height_mm), abs=0.02
            )  # pdfinfo prints 2 decimals of pt
    poppler = tmp_path / "poppler"
    poppler.mkdir()
    _run(tool("pdftoppm"), "-r", "10", "-png", str(result.printfile), str(poppler / "p"))
    rendered = sorted(poppler.glob("p*.png"))
    assert len(rendered) == len(result.report.pages)
    for png in rendered:
        assert pyvips.Image.new_from_file(str(png)).deviate() > 1  # not blank
    check_against_preview(result, tool("gs"), tmp_path, dpi=20)


@pytest.mark.slow
def test_full_size_poster_50x70(build, tool, tmp_path):
    photo = smooth_photo(tmp_path / "big.jpg", 3000, 4000)
    result = build("poster-50x70", ppi=300, sources={"u1": photo})
    [slot] = result.report.slots
    assert (slot.raster_width_px, slot.raster_height_px) == (5976, 8339)
    check = subprocess.run([tool("qpdf"), "--check", str(result.printfile)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    check_against_preview(result, tool("gs"), tmp_path, dpi=15)


def test_ghostscript_settles_the_cmyk_jpeg_polarity(build, tool, tmp_path, monkeypatch):
    """libvips' CMYK JPEGs are Adobe-inverted: with /Decode [1 0 ...] the page matches the preview,
    without it Ghostscript shows a negative and the comparison fails."""
    import printfiles.embed

    photo = smooth_photo(tmp_path / "smooth.jpg")
    good = build("poster-20x30", ppi=12, sources={"u1": photo})
    assert good.report.slots[0].render["adobe_inverted"] is True
    check_against_preview(good, tool("gs"), tmp_path / "good", dpi=20)
    monkeypatch.setattr(printfiles.embed, "jpeg_is_adobe_inverted", lambda path: False)
    wrong = build("poster-20x30", ppi=12, sources={"u1": photo})
    with pytest.raises(AssertionError):
        check_against_preview(wrong, tool("gs"), tmp_path / "wrong", dpi=20)


def test_card_text_in_the_preview_matches_ghostscript(build, tool, tmp_path, catalogue):
    """The preview draws the customer's text where the PDF sets it: compare the text area alone."""
    text = "Herzlichen Glückwunsch!\nAlles Liebe zum Geburtstag, wir denken an dich. Bis bald! Ĳs, ça, niño"
    result = build("card-a6-flat", ppi=12, texts=[{"area": "greeting", "text": text, "size_pt": 28}])
    area = catalogue.get("card-a6-flat").pages[1].text_areas[0]
    preview = pyvips.Image.new_from_file(str(result.preview))
    page = result.report.pages[1]
    px, py, pw, ph = result.report.preview_pages[1].trim_px
    s = pw / page.trim.width_mm  # preview px per mm
    theirs = preview.crop(
        round(px + area.x_mm * s),
        round(py + area.y_mm * s),
        round(area.width_mm * s),
        round(area.height_mm * s),
    )
    dpi = s * 25.4
    [_, back] = ghostscript_pages(
        tool("gs"), result.printfile, output_profile("FOGRA47").path, dpi, tmp_path / "gs"
    )
    k = dpi / 25.4
    top = page.media.height_mm - page.trim.y_mm - page.trim.height_mm
    ours = back.crop(
        round((page.trim.x_mm + area.x_mm) * k), round((top + area.y_mm) * k), theirs.width, theirs.height
    )
    assert theirs.deviate() > 20  # there is text in the preview
    ours, theirs = (im[0:3].cast("float").shrink(3, 3) for im in (ours, theirs))  # forgive anti-aliasing
    diff = (ours - theirs).abs()
    blank = (ours - 255).abs()
    assert max(diff[i].avg() for i in range(3)) < 8
    assert diff.avg() < 0.5 * blank.avg()  # far closer than a preview without text (ratio 1) would be


def test_landscape_poster_matches_its_preview(build, tool, tmp_path):
    photo = smooth_photo(tmp_path / "wide.jpg", 800, 600)
    result = build("poster-50x70", ppi=12, orientation="landscape", sources={"u1": photo})
    page = result.report.pages[0]
    assert (page.trim.width_mm, page.trim.height_mm) == (700, 500)
    check_against_preview(result, tool("gs"), tmp_path, dpi=15)


def test_canvas_wrap_colour_fills_the_frame_edges(build, tool, tmp_path):
    photo = smooth_photo(tmp_path / "smooth.jpg", 800, 600)
    result = build("canvas-40x30", ppi=12, wrap="colour", wrap_colour="#00A0E0", sources={"u1": photo})
    page = result.report.pages[0]
    dpi = 20
    [rendered] = ghostscript_pages(
        tool("gs"), result.printfile, output_profile("FOGRA39").path, dpi, tmp_path
    )
    k = dpi / 25.4
    wrap_mm = page.trim.x_mm - page.bleed.x_mm  # frame depth + fold margin + bleed
    assert wrap_mm == pytest.approx(40, abs=0.01)
    # the middle of the left wrap strip is the wrap colour, the face next to it is the photo
    y = round((page.media.height_mm / 2) * k)
    strip = rendered.getpoint(round((page.bleed.x_mm + wrap_mm / 2) * k), y)[:3]
    assert strip[2] > 150 and strip[0] < 120, strip  # cyan-blue
    face = rendered.getpoint(round((page.trim.x_mm + 5) * k), y)[:3]
    assert abs(face[2] - strip[2]) > 20 or abs(face[0] - strip[0]) > 20
    check_against_preview(result, tool("gs"), tmp_path / "cmp", dpi=dpi)
