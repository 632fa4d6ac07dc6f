"""bench/upscale.py's comparison as a check: the render's enlargement (separable Lanczos-3 after its
unsharp mask) keeps at least the PSNR of the bicubic `affine` with the unsharp mask it replaced."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "upscale.py"


def _load_module():
    spec = importlib.util.spec_from_file_location("bench_upscale", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("factor", [1.1, 1.5, 2.0, 3.0])
def test_the_render_enlarges_at_least_as_well_as_bicubic_with_its_old_sharpening(factor):
    import pyvips

    up = _load_module()
    original = up.detailed(*up.SIZE)
    small = original.resize(1 / factor, kernel="lanczos3").copy_memory()
    bicubic = up.enlarge(up.old_sharpen(small, factor), factor, "bicubic", up.SIZE).copy_memory()
    ours = up.render_enlarge(small, up.SIZE).copy_memory()
    assert (ours.width, ours.height) == up.SIZE and ours.format == "uchar"
    assert up.psnr(original, ours) >= up.psnr(original, bicubic)
    # and it is an enlargement of this picture, not of another: far better than a flat grey
    grey = (pyvips.Image.black(*up.SIZE, bands=3) + original.avg()).cast("uchar")
    assert up.psnr(original, ours) > up.psnr(original, grey) + 6
