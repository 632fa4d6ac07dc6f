"""`render.report`: what a slot's render reports — metrics of source, crop, scale and colour, the files and
the findings — as JSON."""

from __future__ import annotations

import json

import pytest

from render import resample
from vocab.findings import Severity, Verdict
from render.pipeline import render_slot
from tests import imagegen
from tests.render.helpers import px_geometry, request
from render.report import RenderResult, crop_loss


def test_upscale_crop_loss_and_json(tmp_path):
    photo = imagegen.photo_jpeg(tmp_path / "wide.jpg", 300, 60)
    geometry = px_geometry(150, 150)  # 60 px tall crop → 150 px: 2.5x; keeps 60 of 300 px wide
    result = render_slot(photo, request(geometry), tmp_path / "out")
    codes = {f.code: f for f in result.findings}
    assert codes["large-upscale"].severity is Severity.warn and codes["large-upscale"].measured == 2.5
    assert codes["crop-loss"].measured == pytest.approx(0.8)
    assert result.verdict is Verdict.warn or result.verdict is Verdict.fail
    data = json.loads(json.dumps(result.model_dump(mode="json")))
    assert data["metrics"]["interpolator"] == resample.ENLARGEMENT
    assert data["findings"][0]["message"]["de"]


def test_crop_loss_is_the_share_of_the_photo_outside_the_crop():
    assert crop_loss((0, 0, 100, 50), (100, 50)) == 0
    assert crop_loss((25, 0, 50, 50), (100, 50)) == pytest.approx(0.5)
    assert crop_loss((-50, -10, 200, 70), (100, 50)) == 0  # `fit`: the box holds the whole photo
    assert crop_loss((90, 40, 20, 20), (100, 50)) == pytest.approx(1 - 100 / 5000)


def test_the_result_reads_back_from_its_json(tmp_path, photo):
    result = render_slot(photo, request(px_geometry(60, 80, 3)), tmp_path / "out")
    again = RenderResult.model_validate_json(result.model_dump_json())
    assert again == result
    assert again.metrics.upright_width == 600 and again.image_path.exists()
