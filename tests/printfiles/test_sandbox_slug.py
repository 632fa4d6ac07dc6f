"""A sandbox order's print file says SANDBOX: on the slug, large, and stamped in the bleed of every page
(so a printer without a slug shows it too); a normal print file never does."""

from __future__ import annotations

import subprocess
from dataclasses import replace

import pikepdf

from printfiles.marks import SlugInfo
from profiles.printers import Printer

NO_SLUG = Printer(id="bare", name="no marks, no slug")


def _text(tool, pdf, *, crop_to_trim: bool = False) -> str:
    args = [tool("pdftotext"), "-layout"]
    if crop_to_trim:  # only what lies inside the TrimBox: the customer's picture
        with pikepdf.open(pdf) as doc:
            x0, y0, x1, y1 = (float(v) for v in doc.pages[0].obj["/TrimBox"])
            height = float(doc.pages[0].obj["/MediaBox"][3])
        args += ["-x", str(int(x0) + 1), "-y", str(int(height - y1) + 1), "-W", str(int(x1 - x0) - 2),
                 "-H", str(int(y1 - y0) - 2)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_slug_text_says_sandbox_first():
    info = SlugInfo(brand="myposter", order_ref="MP-1", item_ref="itm_1", product="poster-50x70", version=1,
                    job_id="job_1", page_name="front", sandbox=True)
    assert info.text().startswith("SANDBOX · DO NOT PRINT · myposter")
    assert "SANDBOX" not in replace(info, sandbox=False).text()


def test_sandbox_print_file_with_slug(build, meta, tool):
    result = build("poster-50x70", meta_=replace(meta, sandbox=True))
    text = _text(tool, result.printfile)
    assert text.count("SANDBOX") >= 3  # the slug line, its big letters and the bleed stamps
    assert "DO NOT PRINT" in text
    assert "SANDBOX" not in _text(tool, result.printfile, crop_to_trim=True)  # never over the picture


def test_sandbox_stamp_without_a_slug(build, meta, tool):
    result = build("poster-50x70", meta_=replace(meta, sandbox=True), printer=NO_SLUG)
    assert "SANDBOX" in _text(tool, result.printfile)
    normal = build("poster-50x70", printer=NO_SLUG)
    assert "SANDBOX" not in _text(tool, normal.printfile)
