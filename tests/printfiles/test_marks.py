"""Slug and crop marks: outside the bleed, pure K, a readable Code 128 and QR of the job id."""

from __future__ import annotations

import subprocess

import pikepdf
import pytest
import qrcode
from barcode.charsets import code128 as table

from printfiles.layout import PT_PER_MM
from profiles.catalogue import load_catalogue
from profiles.printers import Printer

NO_SLUG = Printer(id="bare", name="no marks, no slug")
COLOUR_OPS = {"rg", "RG", "g", "G", "k", "K", "sc", "SC", "scn", "SCN", "cs", "CS"}


def _mm(array) -> list[float]:
    return [float(v) / PT_PER_MM for v in array]


def _walk(page):
    """(operator, operands, ctm translation) for every instruction, tracking q/Q/cm (translations only)."""
    stack, ctm = [], (0.0, 0.0)
    for operands, op in pikepdf.parse_content_stream(page):
        op = str(op)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop()
        elif op == "cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            ctm = (ctm[0] + e, ctm[1] + f) if (a, b, c, d) == (1, 0, 0, 1) else ctm
        yield op, operands, ctm


def test_slug_grows_media_only(build):
    bare = build("poster-30x40", printer=NO_SLUG).printfile
    slugged = build("poster-30x40").printfile
    printer = load_catalogue().printer("poster-inkjet")
    with pikepdf.open(bare) as a, pikepdf.open(slugged) as b:
        pa, pb = a.pages[0].obj, b.pages[0].obj
        top, right, bottom, left = printer.margins_mm()
        media_a, media_b = _mm(pa.MediaBox), _mm(pb.MediaBox)
        assert media_b[2] - media_a[2] == pytest.approx(left + right, abs=0.01)
        assert media_b[3] - media_a[3] == pytest.approx(top + bottom, abs=0.01)
        for key in ("/TrimBox", "/BleedBox"):  # same size, same place relative to each other
            box_a, box_b = _mm(pa[key]), _mm(pb[key])
            assert box_b[2] - box_b[0] == pytest.approx(box_a[2] - box_a[0], abs=0.01)
            assert box_b[3] - box_b[1] == pytest.approx(box_a[3] - box_a[1], abs=0.01)
        trim_b, bleed_b = _mm(pb.TrimBox), _mm(pb.BleedBox)
        assert trim_b[0] - bleed_b[0] == pytest.approx(3, abs=0.01)


def test_all_colour_is_pure_cmyk_black(build):
    result = build("card-a6-folded", texts=[{"area": "greeting", "text": "Hallo"}])
    with pikepdf.open(result.printfile) as pdf:
        for page in pdf.pages:
            used = [(op, [float(v) for v in operands]) for op, operands, _ in _walk(page) if op in COLOUR_OPS]
            assert used and all(op in {"k", "K"} for op, _ in used), used
            assert all(values == [0, 0, 0, 1] for _, values in used)


def test_crop_marks_lie_outside_the_bleed_on_the_trim_lines(build):
    result = build("poster-30x40")
    with pikepdf.open(result.printfile) as pdf:
        page = pdf.pages[0]
        bleed, trim = _mm(page.obj.BleedBox), _mm(page.obj.TrimBox)
        segments, start = [], None
        for op, operands, _ in _walk(page):
            if op == "m":
                start = [float(v) / PT_PER_MM for v in operands]
            elif op == "l" and start is not None:
                end = [float(v) / PT_PER_MM for v in operands]
                segments.append((start, end))
    assert len(segments) == 8
    for (x0, y0), (x1, y1) in segments:
        for x, y in ((x0, y0), (x1, y1)):
            inside = bleed[0] + 0.01 < x < bleed[2] - 0.01 and bleed[1] + 0.01 < y < bleed[3] - 0.01
            assert not inside
        if x0 == pytest.approx(x1):
            assert min(abs(x0 - trim[0]), abs(x0 - trim[2])) < 0.01
        else:
            assert min(abs(y0 - trim[1]), abs(y0 - trim[3])) < 0.01


def _decode_code128(modules: str) -> str:
    symbols = [modules[i : i + 11] for i in range(0, len(modules) - 13, 11)]
    assert modules[-13:] == table.STOP + "11"  # stop symbol + termination bar
    codes = [table.CODES.index(s) for s in symbols]
    start, *data, check = codes
    assert check == (start + sum(i * c for i, c in enumerate(data, 1))) % 103
    current = {103: "A", 104: "B", 105: "C"}[start]
    out = ""
    for code in data:
        if code == 99 and current != "C":
            current = "C"
        elif code == 100 and current == "C":
            current = "B"
        elif current == "C":
            out += f"{code:02d}"
        else:
            out += next(ch for ch, v in table.B.items() if v == code and len(ch) == 1)
    return out


@pytest.mark.tools
def test_slug_barcode_qr_and_text(build, meta, tool):
    result = build("poster-20x30")
    with pikepdf.open(result.printfile) as pdf:
        page = pdf.pages[0]
        bleed = _mm(page.obj.BleedBox)
        rects = []
        for op, operands, (tx, ty) in _walk(page):
            if op == "re":
                x, y, w, h = (float(v) for v in operands)
                rects.append((round(x + tx, 4), round(y + ty, 4), w, h))
    assert all(y / PT_PER_MM + h / PT_PER_MM <= bleed[1] for x, y, w, h in rects)  # below the bleed
    tallest = max(h for *_, h in rects)
    bars = sorted(r for r in rects if r[3] == tallest)
    unit = min(w for _, _, w, _ in bars)
    origin = bars[0][0]
    length = round((bars[-1][0] + bars[-1][2] - origin) / unit)
    cells = ["0"] * length
    for x, _, w, _ in bars:
        first = round((x - origin) / unit)
        for i in range(first, first + round(w / unit)):
            cells[i] = "1"
    assert _decode_code128("".join(cells)) == meta.job_id
    # QR: the dark modules drawn equal the job id's QR matrix, top row at the top
    squares = [r for r in rects if r[3] != tallest]
    module = min(h for *_, h in squares)
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(meta.job_id)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    left, top = min(x for x, *_ in squares), max(y + h for _, y, _, h in squares)
    drawn = set()
    for x, y, w, h in squares:
        row = round((top - y - h) / module)
        for col in range(round((x - left) / module), round((x - left + w) / module)):
            drawn.add((row, col))
    assert drawn == {(r, c) for r in range(n) for c in range(n) if matrix[r][c]}
    text = subprocess.run(
        [tool("pdftotext"), "-layout", str(result.printfile), "-"], capture_output=True, text=True, check=True
    ).stdout
    for word in ("myposter", meta.order_ref, f"item {meta.item_ref}", "poster-20x30", "r1", meta.job_id):
        assert word in text


def test_canvas_printer_has_no_marks(build):
    result = build("canvas-40x30")
    with pikepdf.open(result.printfile) as pdf:
        page = pdf.pages[0].obj
        assert _mm(page.MediaBox) == pytest.approx(_mm(page.BleedBox), abs=0.01)
        trim, bleed = _mm(page.TrimBox), _mm(page.BleedBox)
        assert trim[0] - bleed[0] == pytest.approx(20 + 15 + 5, abs=0.01)


def test_the_slug_says_how_many_to_print(build, meta, tool):
    from dataclasses import replace

    result = build("poster-20x30", meta_=replace(meta, quantity=3))
    text = subprocess.run([tool("pdftotext"), "-layout", str(result.printfile), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "x 3" in text
    single = build("poster-20x30")
    assert "x 1" in subprocess.run([tool("pdftotext"), "-layout", str(single.printfile), "-"],
                                   capture_output=True, text=True, check=True).stdout
