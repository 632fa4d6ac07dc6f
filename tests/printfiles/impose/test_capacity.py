"""`printfiles.impose.capacity`: cards per sheet and paper use of a product without a print file, as
the architecture document's table says."""

from __future__ import annotations

import re
from pathlib import Path

from printfiles.impose import capacity, sheet_for
from tests.printfiles.impose.helpers import card_products, naive

DOCS = Path(__file__).resolve().parents[3] / "docs" / "ARCHITECTURE.md"


def test_mixed_beats_the_plain_grid_where_it_helps(catalogue):
    sheet = sheet_for(catalogue.printer("card-digital"))
    cap = capacity(catalogue.get("card-a6-flat"), sheet)
    assert cap.kind == "mixed"
    assert cap.per_sheet == 5 > naive(111, 154, sheet.card_area, sheet.gutter) == 4
    assert {s.turned for s in cap.layout.slots} == {True, False}


def test_the_architecture_table_is_what_the_code_computes(catalogue):
    """docs/ARCHITECTURE.md lists cards per sheet and paper use on the printer's sheet; recompute."""
    sheet = sheet_for(catalogue.printer("card-digital"))
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| [^|]+\| (\d+) \| ([a-z ]+) \| ([\d.]+) % \|$",
                      DOCS.read_text(encoding="utf-8"), re.MULTILINE)
    assert {r[0] for r in rows} == {p.id for p in card_products(catalogue)}
    for product_id, count, kind, use in rows:
        cap = capacity(catalogue.get(product_id), sheet)
        computed = (cap.per_sheet, cap.kind, round(cap.paper_use * 100, 1))
        assert computed == (int(count), kind.strip(), float(use))
