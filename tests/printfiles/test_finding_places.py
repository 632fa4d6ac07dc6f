"""In a multi-slot item every render finding names the page and the photo slot it is about."""

from __future__ import annotations

from collections import Counter

from profiles.catalogue import Preflight


def test_findings_of_a_folded_card_name_their_page_and_slot(build):
    strict = {"preflight": Preflight(target_ppi=5000, warn_ppi=5000, fail_ppi=10)}  # every slot warns
    result = build("card-a6-folded", ppi=30, product_changes=strict,
                   images=[{"slot": "inside-left", "image": {"upload_id": "u1"}}])
    low = [f for f in result.report.findings if f.code == "low-ppi"]
    assert Counter((f.page, f.slot) for f in low) == {("outside", "front"): 1, ("inside", "inside-left"): 1}
    for slot in result.report.slots:  # each slot's own render report is left as the render made it
        assert all(f.get("slot") is None for f in slot.render["findings"])
    assert all(f.slot is None for f in result.report.preflight.findings)  # the PDF's: about the file
    data = result.report_path.read_text(encoding="utf-8")
    assert '"slot": "inside-left"' in data and '"fr":' in data
