"""The share still out of gamut after black point compensation (gamut.shares), and the out-of-gamut
warning decided on it: shadows darker than the press's black are normal in photos and print as its
black, so they count in LittleCMS's share but not in the warning."""

from __future__ import annotations

import pytest

from profiles.catalogue import Intent, Preflight
from render import gamut, preflight
from tests.render.helpers import FOGRA39, FOGRA47, patches

DARK_GREYS = [(g, g, g) for g in range(0, 64, 4)]
DARK_SKIN = [(120, 75, 55), (90, 56, 42), (161, 102, 74), (60, 40, 30), (30, 20, 15)]


@pytest.mark.parametrize("output", [FOGRA39, FOGRA47], ids=["FOGRA39", "FOGRA47"])
def test_shadows_below_the_press_black_are_marked_but_not_after_bpc(output):
    raw, visible = gamut.shares(patches(DARK_GREYS, 4), "srgb", output, Intent.relative)
    assert raw >= 3 / 16 and visible == 0.0  # FOGRA39 marks greys up to ~15, FOGRA47 up to ~56
    raw, visible = gamut.shares(patches(DARK_SKIN, 4), "srgb", output, Intent.relative)
    assert raw > 0 and visible == 0.0


@pytest.mark.parametrize("output", [FOGRA39, FOGRA47], ids=["FOGRA39", "FOGRA47"])
def test_saturated_colours_stay_out_of_gamut_after_bpc(output):
    image = patches([(0, 0, 255), (0, 255, 0), (128, 128, 128)], 4)
    raw, visible = gamut.shares(image, "srgb", output, Intent.relative)
    assert raw == pytest.approx(2 / 3) and visible == pytest.approx(2 / 3)
    assert gamut.share(image, "srgb", output, Intent.relative) == raw  # the raw share is LittleCMS's


def test_the_warning_is_decided_after_bpc_and_reports_littlecms_share():
    rules = Preflight(target_ppi=300, warn_ppi=200, fail_ppi=100)
    assert preflight.out_of_gamut_threshold(rules, "FOGRA39") == preflight.OUT_OF_GAMUT_WARN["FOGRA39"]
    assert preflight.out_of_gamut_threshold(rules, "FOGRA47") == preflight.OUT_OF_GAMUT_WARN["FOGRA47"]
    # a night sky: LittleCMS marks 84 %, all of it darker than the press black
    assert preflight.gamut_finding(0.84, rules, "FOGRA39", visible=0.001) is None
    found = preflight.gamut_finding(0.60, rules, "FOGRA39", visible=0.45)
    assert found is not None and found.severity == "warn"
    assert found.measured == 0.6 and found.threshold == preflight.OUT_OF_GAMUT_WARN["FOGRA39"]
    assert "45.0 %" in found.message.en and "60.0 %" in found.message.en
    assert "black point compensation" in found.message.en and "Tiefenkompensierung" in found.message.de
    own = rules.model_copy(update={"warn_out_of_gamut": 0.5})  # a product's own threshold wins
    assert preflight.gamut_finding(0.60, own, "FOGRA39", visible=0.45) is None
    assert preflight.gamut_finding(0.60, own, "FOGRA39") is not None  # not measured after BPC: raw
