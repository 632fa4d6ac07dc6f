"""`printfiles.text`: the customer's text checked against its area (font offered, size in range, glyphs
the font has), wrapped by real glyph widths, never clipped or shrunk (too many lines, too tall, a word
too wide: a TextLayoutError naming the area), and set as real embedded text where the area is."""

from __future__ import annotations

import re
import subprocess

import pikepdf
import pytest

from printfiles.layout import PT_PER_MM
from printfiles.text import LEADING, TextLayoutError, layout_text
from profiles.catalogue import Intent, TextArea
from profiles.icc import output_profile
from vocab.spec import Align, TextField

GREETINGS = {
    "de": "Herzlichen Glückwunsch! „Größe“, Straße, Äpfel, Öl, Übermut",
    "en": "Happy birthday, with love from all of us",
    "fr": "Joyeux anniversaire ! À très bientôt, garçon, élève, « merci »",
    "it": "Buon compleanno! Città, perché, così, più, però, ciò",
    "es": "¡Feliz cumpleaños! Niño, mañana, corazón, ¿qué tal?",
    "nl": "Gefeliciteerd! IJsselmeer, ijs, ĳs, één, café, € 10",
}


def _flat(text: str) -> str:
    return " ".join(text.split())


def _mm(array) -> list[float]:
    return [float(v) / PT_PER_MM for v in array]


FOGRA47 = output_profile("FOGRA47")
AREA = TextArea(id="greeting", x_mm=10, y_mm=10, width_mm=60, height_mm=30, fonts=["dejavu-serif", "dejavu-sans"],
                size_pt=12, min_size_pt=8, max_size_pt=24, align="center", max_lines=3)


def _set(text: str, area: TextArea = AREA, **field):
    return layout_text(TextField(area=area.id, text=text, **field), area, FOGRA47, Intent.relative)


def test_text_takes_the_areas_defaults_and_its_own_choices():
    block = _set("Hallo")
    assert (block.font, block.size_pt, block.align, block.lines) == ("dejavu-serif", 12, Align.center, ("Hallo",))
    assert block.leading_pt == pytest.approx(12 * LEADING) and block.cmyk == (0.0, 0.0, 0.0, 1.0)
    own = _set("Hallo", font="dejavu-sans", size_pt=20, align="right", colour="#CC0000")
    assert (own.font, own.size_pt, own.align, own.colour) == ("dejavu-sans", 20, Align.right, "#CC0000")
    assert own.cmyk != block.cmyk and own.ascent_pt > block.ascent_pt


def test_words_wrap_within_the_width_and_line_breaks_are_kept():
    block = _set("eins zwei drei vier fünf sechs sieben acht", size_pt=16)
    assert len(block.lines) > 1 and " ".join(block.lines) == "eins zwei drei vier fünf sechs sieben acht"
    from reportlab.pdfbase.pdfmetrics import stringWidth

    assert all(stringWidth(line, block.font, 16) <= AREA.width_mm * PT_PER_MM for line in block.lines)
    assert _set("oben\n\nunten").lines == ("oben", "", "unten")
    assert _set("  \n").lines == ()  # trailing empty lines dropped
    assert block.height_pt < AREA.height_mm * PT_PER_MM


@pytest.mark.parametrize(("text", "field", "pattern"), [
    ("Hi", {"font": "comic-sans"}, r"font 'comic-sans' is not offered"),
    ("Hi", {"size_pt": 30}, r"size 30 pt is outside 8\.\.24 pt"),
    ("Hi 漢字", {}, r"font 'dejavu-serif' has no glyph for '(漢字|字漢)'"),
    ("a\nb\nc\nd", {}, r"the text needs 4 lines at 12 pt, the area holds at most 3"),
    ("Donaudampfschifffahrtsgesellschaft", {"size_pt": 24}, r"the word .* is wider than the area at 24 pt"),
])
def test_what_does_not_fit_is_refused_naming_the_area(text, field, pattern):
    with pytest.raises(TextLayoutError, match=r"^text area 'greeting': " + pattern):
        _set(text, **field)


def test_lines_that_fit_in_number_but_not_in_height_are_refused():
    low = AREA.model_copy(update={"height_mm": 12})
    assert len(_set("a", low, size_pt=24).lines) == 1
    with pytest.raises(TextLayoutError, match=r"2 lines at 24 pt need .* mm, the area is 12 mm high"):
        _set("a\nb", low, size_pt=24)


def test_an_offered_font_that_is_not_installed_is_refused():
    area = AREA.model_copy(update={"fonts": ["dejavu-serif", "no-such-font"]})
    with pytest.raises(TextLayoutError, match="font 'no-such-font' is not installed"):
        _set("Hi", area, font="no-such-font")


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
