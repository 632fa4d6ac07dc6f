"""`printfiles.impose.job.impose_cards`: card orders planned onto sheet sides in order, one format per
sheet, and the same job gives the same bytes."""

from __future__ import annotations

from datetime import UTC, datetime

import pikepdf
import pytest

from printfiles.impose import CardOrder, impose_cards
from tests.printfiles.impose.helpers import card_job
from tests.printfiles.impose.helpers import mm as _mm
from tests.printfiles.impose_cards import placements


@pytest.fixture(scope="module")
def job(catalogue, tmp_path_factory):
    return card_job(catalogue, tmp_path_factory.mktemp("impose-job"))


def test_pages_and_order(job):
    result, _, _ = job
    assert [(s.sheet, s.side, s.format, len(s.cards)) for s in result.sides] == [
        (1, "front", "card-a6-folded", 2), (1, "back", "card-a6-folded", 2),
        (2, "front", "card-a6-folded", 1), (2, "back", "card-a6-folded", 1),
        (3, "front", "card-a6-flat", 5), (3, "back", "card-a6-flat", 5),
        (4, "front", "card-a6-flat", 1), (4, "back", "card-a6-flat", 1)]
    assert result.per_sheet == {"card-a6-folded": 2, "card-a6-flat": 5}
    with pikepdf.open(result.path) as pdf:
        assert len(pdf.pages) == 8
        for page, side in zip(pdf.pages, result.sides, strict=True):
            assert len(placements(page)) == len(side.cards)
            for box in ("/MediaBox", "/BleedBox", "/TrimBox"):
                assert _mm(page.obj[box]) == pytest.approx([0, 0, 320, 450], abs=1e-3)


def test_the_same_job_gives_the_same_bytes(job, catalogue, tmp_path):
    result, folded, flat = job
    again = impose_cards([CardOrder(folded, 3, "job-folded"), CardOrder(flat, 6, "job-flat")],
                         catalogue.printer("card-digital"), tmp_path / "again.pdf", catalogue=catalogue,
                         run_id="t1", created_at=datetime(2026, 11, 24, 12, tzinfo=UTC))
    assert again.path.read_bytes() == result.path.read_bytes()
