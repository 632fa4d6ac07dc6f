"""`printfiles.colour`: text and mark colours — '#RRGGBB' as CMYK fractions for the product's output
condition through the render's own sRGB -> output conversion, black as pure K; and back to sRGB as it
would look printed, for previews."""

from __future__ import annotations

import pikepdf
import pytest

from printfiles.colour import BLACK, hex_to_cmyk, proof_rgb
from profiles.catalogue import Intent
from profiles.icc import output_profile
from render.colour import srgb_to_output

FOGRA39 = output_profile("FOGRA39")
FOGRA47 = output_profile("FOGRA47")


def test_black_is_pure_k_and_other_colours_go_through_the_profile():
    assert hex_to_cmyk("#000000", FOGRA39) == BLACK == (0.0, 0.0, 0.0, 1.0)
    red = hex_to_cmyk("#CC0000", FOGRA39)
    assert red == tuple(round(v / 255, 4) for v in srgb_to_output((204, 0, 0), FOGRA39, Intent.relative)[:4])
    c, m, y, _ = red
    assert m > 0.8 and y > 0.8 and c < 0.2
    assert sum(hex_to_cmyk("#FFFFFF", FOGRA39)) == pytest.approx(0, abs=0.02)  # paper white: no ink
    assert hex_to_cmyk("#336699", FOGRA39) != hex_to_cmyk("#336699", FOGRA47)  # each condition its own
    assert all(0 <= v <= 1 for v in hex_to_cmyk("#336699", FOGRA47))


def test_a_cmyk_colour_looks_as_printed_in_the_preview():
    assert max(proof_rgb((0.0, 0.0, 0.0, 0.0), FOGRA39)) >= 235  # no ink: near paper white
    assert max(proof_rgb(BLACK, FOGRA39)) < 80  # pure K: dark, not quite rich black
    r, g, b = proof_rgb(hex_to_cmyk("#CC0000", FOGRA39), FOGRA39)
    assert r > 150 and g < 80 and b < 80  # a red stays red


def test_colour_is_converted_to_cmyk(build):
    result = build("card-a6-flat", ppi=30, texts=[{"area": "greeting", "text": "Rot", "colour": "#CC0000"}])
    [block] = result.report.texts
    c, m, y, k = block.cmyk
    assert m > 0.8 and y > 0.8 and c < 0.2
    with pikepdf.open(result.printfile) as pdf:
        values = [
            [float(v) for v in operands]
            for operands, op in pikepdf.parse_content_stream(pdf.pages[1])
            if str(op) == "k"
        ]
    assert [pytest.approx(v, abs=1e-3) for v in block.cmyk] in values
