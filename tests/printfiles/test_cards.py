"""Multi-page cards: spreads, photo slots, and the customer's text in six languages as real text."""

from __future__ import annotations

import re
import subprocess

import pikepdf
import pytest

from printfiles.layout import PT_PER_MM
from printfiles.text import TextLayoutError
from render.errors import RenderError

GREETINGS = {
    "de": "Herzlichen Glückwunsch! „Größe“, Straße, Äpfel, Öl, Übermut",
    "en": "Happy birthday, with love from all of us",
    "fr": "Joyeux anniversaire ! À très bientôt, garçon, élève, « merci »",
    "it": "Buon compleanno! Città, perché, così, più, però, ciò",
    "es": "¡Feliz cumpleaños! Niño, mañana, corazón, ¿qué tal?",
    "nl": "Gefeliciteerd! IJsselmeer, ijs, ĳs, één, café, € 10",
}
SPREADS = {
    "card-a6-folded": [(210, 148)] * 2,
    "card-square-folded": [(290, 145)] * 2,
    "card-a6-flat": [(105, 148)] * 2,
    "invitation-din-long": [(99, 210)] * 2,
}


def _flat(text: str) -> str:
    return " ".join(text.split())


def _mm(array) -> list[float]:
    return [float(v) / PT_PER_MM for v in array]


@pytest.mark.parametrize("product_id", sorted(SPREADS))
def test_pages_and_boxes(build, product_id):
    result = build(product_id, ppi=30)
    with pikepdf.open(result.printfile) as pdf:
        sizes = []
        for page in pdf.pages:
            trim, bleed, media = (_mm(page.obj[k]) for k in ("/TrimBox", "/BleedBox", "/MediaBox"))
            sizes.append((round(trim[2] - trim[0], 2), round(trim[3] - trim[1], 2)))
            assert trim[0] - bleed[0] == pytest.approx(3, abs=0.01)
            assert media[0] <= bleed[0] and media[2] >= bleed[2]
    assert sizes == SPREADS[product_id]
    assert result.report.preflight.verdict != "fail", [f.message.en for f in result.report.preflight.findings]


@pytest.mark.tools
@pytest.mark.parametrize("language", sorted(GREETINGS))
def test_text_in_six_languages_is_real_embedded_text(build, language, tool):
    greeting = GREETINGS[language]
    result = build(
        "card-a6-folded",
        ppi=30,
        texts=[
            {"area": "greeting", "text": greeting, "font": "dejavu-serif", "size_pt": 16},
            {"area": "back", "text": greeting, "font": "dejavu-sans"},
        ],
    )
    text = subprocess.run(
        [tool("pdftotext"), str(result.printfile), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert _flat(text).count(_flat(greeting)) == 2
    fonts = subprocess.run(
        [tool("pdffonts"), str(result.printfile)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert {r[0].split("+")[1] for r in rows} == {"DejaVuSerif", "DejaVuSans"}
    assert all(re.fullmatch(r"[A-Z]{6}\+\w+", r[0]) for r in rows)  # subsets
    assert all(r[-5:-2] == ["yes", "yes", "yes"] for r in rows), fonts  # embedded, subset, ToUnicode
    report_fonts = result.report.preflight.fonts
    assert report_fonts and all(f.embedded for f in report_fonts)


def _text_origins(page) -> list[tuple[float, float, str]]:
    origins, matrix = [], None
    for operands, op in pikepdf.parse_content_stream(page):
        if str(op) == "Tm":
            matrix = [float(v) for v in operands]
        elif str(op) == "Td" and matrix is not None:
            matrix = matrix[:4] + [matrix[4] + float(operands[0]), matrix[5] + float(operands[1])]
        elif str(op) in ("Tj", "TJ") and matrix is not None:
            origins.append((matrix[4] / PT_PER_MM, matrix[5] / PT_PER_MM, str(op)))
    return origins


def test_text_sits_inside_its_area_and_aligns(build, catalogue):
    long = "Liebe Anna, " + "wir wünschen dir alles Gute zum Geburtstag und ein wunderbares Jahr. " * 2
    result = build("card-a6-flat", ppi=30, texts=[{"area": "greeting", "text": long, "align": "left"}])
    [block] = result.report.texts
    assert len(block.lines) > 2 and block.font == "dejavu-serif"
    area = catalogue.get("card-a6-flat").pages[1].text_areas[0]
    with pikepdf.open(result.printfile) as pdf:
        page = pdf.pages[1]
        trim = _mm(page.obj.TrimBox)
        origins = _text_origins(page)
    body = [o for o in origins if o[1] > trim[1]]  # the slug's line sits below the trim
    assert len(body) == len(block.lines)
    left, top = trim[0] + area.x_mm, trim[3] - area.y_mm
    assert all(x == pytest.approx(left, abs=0.01) for x, _, _ in body)  # left aligned
    assert all(top - area.height_mm < y < top for _, y, _ in body)
    assert [y for _, y, _ in body] == sorted((y for _, y, _ in body), reverse=True)


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


def test_inside_photo_slot_bleeds_only_on_outer_edges(build, catalogue):
    result = build("card-a6-folded", ppi=30, images=[{"slot": "inside-left", "image": {"upload_id": "u1"}}])
    inside = [s for s in result.report.slots if s.slot == "inside-left"]
    assert len(result.report.slots) == 2 and len(inside) == 1
    placed = inside[0].placed
    page = result.report.pages[1]
    assert placed.x_mm == pytest.approx(page.trim.x_mm - 3, abs=0.01)
    assert placed.x_mm + placed.width_mm == pytest.approx(page.trim.x_mm + 105, abs=0.01)  # ends at the fold
    assert placed.height_mm == pytest.approx(148 + 6, abs=0.01)
    assert len(result.report.preflight.images) == 2


@pytest.mark.parametrize(
    ("texts", "pattern"),
    [
        ([{"area": "greeting", "text": "Hallo " * 300}], r"text area 'greeting': .*lines"),
        (
            [{"area": "back", "text": "eins\nzwei\ndrei\nvier"}],
            r"text area 'back': the text needs 4 lines.*at most 3",
        ),
        (
            [{"area": "greeting", "text": "Donaudampfschifffahrtsgesellschaftskapitänsmütze", "size_pt": 36}],
            r"text area 'greeting': the word .* is wider",
        ),
        (
            [{"area": "greeting", "text": "Hi", "font": "comic-sans"}],
            r"text area 'greeting': font 'comic-sans' is not offered",
        ),
        ([{"area": "greeting", "text": "Hi", "size_pt": 80}], r"text area 'greeting': size 80 pt is outside"),
        (
            [{"area": "greeting", "text": "Hi 漢字"}],
            r"text area 'greeting': font 'dejavu-serif' has no glyph",
        ),
        (
            [{"area": "nowhere", "text": "Hi"}],
            r"texts\[0\]\.area: 'card-a6-folded' has no text area 'nowhere'",
        ),
        ([{"area": "back", "text": "a"}, {"area": "back", "text": "b"}], r"texts\[1\]\.area: .* given twice"),
    ],
)
def test_text_that_does_not_fit_is_an_error_naming_the_area(build, texts, pattern):
    with pytest.raises(TextLayoutError, match=pattern):
        build("card-a6-folded", ppi=30, texts=texts)


def test_too_tall_is_an_error_even_within_max_lines(build):
    # invitation back: 190 mm high, 20 lines max; 20 lines at 36 pt need 20 * 45 pt = 318 mm
    with pytest.raises(
        TextLayoutError, match=r"text area 'greeting': 20 lines at 36 pt need .* mm, the area is 190 mm high"
    ):
        build(
            "invitation-din-long",
            ppi=30,
            texts=[{"area": "greeting", "text": "\n".join(["Zeile"] * 20), "size_pt": 36}],
        )


def test_missing_front_photo_is_an_error(build):
    with pytest.raises(RenderError, match="image: 'card-a6-folded' needs a photo in slot 'front'"):
        build("card-a6-folded", image=None, texts=[{"area": "greeting", "text": "Hallo"}])


def test_every_font_the_catalogue_offers_ships_with_a_licence(catalogue):
    from profiles import fonts

    offered = {
        f for p in catalogue.products.values() for page in p.pages for a in page.text_areas for f in a.fonts
    }
    assert offered and offered <= set(fonts.FONT_FILES)
    for font_id in offered:
        assert (fonts.FONT_DIR / fonts.FONT_FILES[font_id]).is_file()
        assert not fonts.covers(font_id, "äöüßÄÖÜéèàçñìòùĳĲ€„“«»¡¿")
    assert (fonts.FONT_DIR / "LICENSE-DejaVu.txt").read_text().count("Bitstream") > 0
