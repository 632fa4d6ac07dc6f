"""`printfiles.preflight.checks`: findings from what was read — page size and count against the
product, and an output intent of another product's profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from printfiles.preflight import preflight_pdf
from tests.printfiles.preflight.helpers import codes, rgb_pdf_file


@pytest.fixture
def rgb_pdf(tmp_path: Path) -> Path:
    return rgb_pdf_file(tmp_path)


def test_wrong_size_and_page_count_against_the_product(rgb_pdf, catalogue):
    report = preflight_pdf(rgb_pdf, catalogue.get("card-a6-folded"))
    assert {"page-size", "page-count"} <= codes(report)
    without = preflight_pdf(rgb_pdf, None)
    assert "page-size" not in codes(without) and without.expected_pages is None


def test_other_products_profile_is_flagged(build, catalogue):
    result = build("poster-20x30")
    card = catalogue.get("card-a6-flat")  # FOGRA47, two pages
    report = preflight_pdf(result.printfile, card)
    assert {"output-intent-profile", "page-count", "page-size"} <= codes(report)
