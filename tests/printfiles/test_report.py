"""`printfiles.report`: report.json of one rendered item — what went in, what came out, the verdict — as
frozen models; boxes in mm rounded to 0.1 um."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from printfiles.layout import Box
from printfiles.report import BoxMM, ItemReport


def test_a_box_is_kept_in_mm_rounded_and_frozen():
    box = BoxMM.of(Box(x_mm=3.000049, y_mm=-0.1234567, width_mm=500.00001, height_mm=700.0))
    assert (box.x_mm, box.y_mm, box.width_mm, box.height_mm) == (3.0, -0.1235, 500.0, 700.0)
    with pytest.raises(ValidationError):
        box.x_mm = 1.0


def test_the_report_reads_back_what_it_wrote(build):
    result = build("poster-20x30")
    again = ItemReport.model_validate_json(result.report_path.read_text())
    assert again == result.report
    assert again.slots[0].placed == again.pages[0].bleed  # a poster's photo fills its bleed box
    assert {p.page for p in again.preview_pages} == {p.name for p in again.pages}


def test_report_json_carries_what_issue_2_asks(build, photo):
    result = build("poster-50x70", orientation="landscape")
    data = json.loads(result.report_path.read_text())
    assert data == json.loads(result.report.model_dump_json())
    [slot] = data["slots"]
    assert (slot["source_width_px"], slot["source_height_px"]) == (600, 800)
    assert slot["effective_ppi"] == pytest.approx(slot["render"]["metrics"]["effective_ppi"])
    assert slot["scale_factor"] == pytest.approx(slot["render"]["metrics"]["scale_factor"])
    assert data["output"]["colour_space"] == "DeviceCMYK" and data["output"]["output_profile"] == "FOGRA39"
    [page] = data["pages"]
    assert (page["trim"]["width_mm"], page["trim"]["height_mm"]) == (700, 500)
    assert page["bleed"]["width_mm"] == pytest.approx(706)
    assert data["preflight"]["page_count"] == 1
    assert data["verdict"] in {"ok", "warn", "fail"}
    codes = {f["code"] for f in data["findings"]}
    assert codes >= {f["code"] for f in slot["render"]["findings"]}
    assert result.preview.exists() and result.overlay is not None and result.overlay.exists()
