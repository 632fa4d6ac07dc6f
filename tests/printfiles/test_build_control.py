"""build_item: one InvalidItem naming every field, cancelling, and progress over the whole item."""

from __future__ import annotations

import threading

import pytest

from printfiles.build import InvalidItem, LayoutError
from printfiles.text import TextLayoutError
from render.control import RenderCancelled


def test_every_problem_is_named_at_once(build):
    with pytest.raises(InvalidItem) as refused:
        build("card-a6-folded", image={"upload_id": "nope"},
              texts=[{"area": "nowhere", "text": "a"}, {"area": "back", "text": "b", "size_pt": 500}])
    fields = [e.field for e in refused.value.errors]
    assert fields == ["image.upload_id", "texts[0].area", "texts[1].size_pt"]
    assert isinstance(refused.value, LayoutError) and isinstance(refused.value, TextLayoutError)


def test_cancel_before_start(build, tmp_path):
    stop = threading.Event()
    stop.set()
    out = tmp_path / "cancelled"
    with pytest.raises(RenderCancelled):
        build("poster-20x30", out=out, cancel=stop)
    assert not out.exists() or not any(out.iterdir())


def test_cancel_during_the_raster_leaves_no_output(build, tmp_path):
    stop = threading.Event()

    def on_progress(percent: int, stage: str) -> None:
        if stage == "encode" and percent >= 30:
            stop.set()

    out = tmp_path / "cancelled"
    with pytest.raises(RenderCancelled):
        build("poster-50x70", ppi=150, out=out, cancel=stop, on_progress=on_progress)
    assert stop.is_set()
    assert sorted(p.name for p in out.iterdir()) == []  # no PDF, no report, no scratch folder


def test_progress_covers_the_slots_then_the_pdf(build):
    seen: list[tuple[int, str]] = []
    build("card-a6-folded", ppi=30, images=[{"slot": "inside-left", "image": {"upload_id": "u1"}}],
          on_progress=lambda p, s: seen.append((p, s)))
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and percents[0] == 0 and seen[-1] == (100, "done")
    stages = [s for _, s in seen]
    assert stages.index("encode") < stages.index("pdf") < stages.index("preflight")
    assert max(p for p, s in seen if s == "encode") <= 90
