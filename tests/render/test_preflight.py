"""`render.preflight`: the measured risks of one slot as findings against the product's thresholds —
resolution, enlargement, crop loss, ink and gamut — each with its measured value, threshold and texts."""

from __future__ import annotations

import pytest

from vocab.findings import Severity
from render.geometry import Edges, SlotGeometry
from render.pipeline import render_slot
from tests import imagegen
from tests.render.helpers import request
from profiles.catalogue import Preflight
from render.preflight import (OUT_OF_GAMUT_WARN, OUT_OF_GAMUT_WARN_DEFAULT, crop_loss_finding, out_of_gamut_threshold,
                              ppi_finding, upscale_finding)


@pytest.mark.parametrize(
    ("effective_ppi", "severity"), [(160, None), (120, Severity.warn), (60, Severity.fail)]
)
def test_low_ppi_findings(tmp_path, effective_ppi, severity):
    """A 600 px photo on a square slot sized so it has `effective_ppi` (warn below 150, fail below 80)."""
    photo = imagegen.photo_jpeg(tmp_path / "p.jpg", 600, 600)
    side_mm = 600 / effective_ppi * 25.4
    geometry = SlotGeometry(width_mm=side_mm, height_mm=side_mm, bleed=Edges.uniform(0), ppi=30)
    result = render_slot(photo, request(geometry), tmp_path / "out")
    assert result.metrics.effective_ppi == pytest.approx(effective_ppi, abs=0.01)
    found = [f for f in result.findings if f.code == "low-ppi"]
    if severity is None:
        assert not found
    else:
        assert found[0].severity is severity
        assert found[0].measured == pytest.approx(effective_ppi, abs=0.1)
        assert found[0].threshold == (150 if severity is Severity.warn else 80)
        assert found[0].message.de and found[0].message.en


RULES = Preflight(target_ppi=300, warn_ppi=150, fail_ppi=80)


def test_each_risk_is_judged_against_the_products_thresholds():
    assert ppi_finding(150, RULES) is None
    warn, fail = ppi_finding(149.96, RULES), ppi_finding(79.9, RULES)
    assert (warn.severity, warn.measured, warn.threshold) == (Severity.warn, 150.0, 150)
    assert (fail.severity, fail.threshold) == (Severity.fail, 80)
    assert upscale_finding(RULES.warn_upscale, RULES) is None
    assert upscale_finding(RULES.warn_upscale + 0.01, RULES).severity is Severity.warn
    assert upscale_finding(RULES.fail_upscale + 0.01, RULES).severity is Severity.fail
    assert crop_loss_finding(RULES.warn_crop_loss, RULES) is None
    loss = crop_loss_finding(0.654321, RULES)
    assert (loss.code, loss.measured, loss.severity) == ("crop-loss", 0.6543, Severity.warn)
    assert "65 %" in loss.message.en


def test_the_gamut_threshold_is_the_products_or_its_conditions():
    assert out_of_gamut_threshold(RULES, "FOGRA39") == OUT_OF_GAMUT_WARN["FOGRA39"]
    assert out_of_gamut_threshold(RULES, "FOGRA47") == OUT_OF_GAMUT_WARN["FOGRA47"]
    assert out_of_gamut_threshold(RULES, "unknown") == OUT_OF_GAMUT_WARN_DEFAULT
    own = RULES.model_copy(update={"warn_out_of_gamut": 0.05})
    assert out_of_gamut_threshold(own, "FOGRA39") == 0.05
