"""Stopping a render (before it starts, between steps, inside libvips' evaluation) and its progress."""

from __future__ import annotations

import threading
import time

import pytest

from render.control import Control, RenderCancelled
from render.errors import RenderError
from render.pipeline import render_slot
from tests import imagegen
from tests.render.helpers import px_geometry, request


@pytest.fixture
def big_photo(tmp_path):
    return imagegen.photo_jpeg(tmp_path / "big.jpg", 1200, 1600)


def test_cancelled_is_not_a_customer_error():
    assert not issubclass(RenderCancelled, RenderError)


def test_cancel_before_start_writes_nothing(tmp_path, photo):
    stop = threading.Event()
    stop.set()
    out = tmp_path / "out"
    with pytest.raises(RenderCancelled):
        render_slot(photo, request(px_geometry(60, 80)), out, cancel=stop)
    assert not out.exists() or not any(out.iterdir())


def test_cancel_mid_evaluation_stops_quickly_and_leaves_no_output(tmp_path, big_photo):
    """The token is set from the progress callback at ~30 %: libvips' kill flag stops the encode."""
    stop = threading.Event()
    seen: list[tuple[int, str]] = []

    def on_progress(percent: int, stage: str) -> None:
        seen.append((percent, stage))
        if stage == "encode" and percent >= 30:
            stop.set()

    out = tmp_path / "out"
    started = time.monotonic()
    with pytest.raises(RenderCancelled):
        render_slot(big_photo, request(px_geometry(3000, 4000, 10)), out, cancel=stop,
                    on_progress=on_progress)
    stopped_at = time.monotonic()
    assert stop.is_set()
    assert max(p for p, s in seen if s == "encode") < 60  # stopped soon after 30 %, not at the end
    assert stopped_at - started < 30
    assert sorted(p.name for p in out.iterdir()) == []  # no half-written raster, no preview


def test_cancel_callable_between_steps(tmp_path, photo):
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 3  # after a few step checks

    with pytest.raises(RenderCancelled):
        render_slot(photo, request(px_geometry(60, 80)), tmp_path / "out", cancel=cancel)
    assert not list((tmp_path / "out").glob("slot*"))


def test_progress_runs_from_0_to_100_monotonically(tmp_path, big_photo):
    seen: list[tuple[int, str]] = []
    render_slot(big_photo, request(px_geometry(1500, 2000, 5)), tmp_path / "out",
                on_progress=lambda p, s: seen.append((p, s)))
    percents = [p for p, _ in seen]
    assert percents[0] == 0 and percents[-1] == 100 and seen[-1][1] == "done"
    assert percents == sorted(percents)
    assert len(set(seen)) == len(seen)  # throttled: never the same call twice
    assert any(s == "encode" and 0 < p < 95 for p, s in seen)  # libvips' eval signals drive it
    assert {"load", "encode"} <= {s for _, s in seen}


def test_parts_map_onto_the_whole_and_never_go_back():
    seen: list[tuple[int, str]] = []
    whole = Control(on_progress=lambda p, s: seen.append((p, s)))
    first, second = whole.part(0, 50), whole.part(50, 100)
    first.progress(50, "a")
    first.progress(100, "a")
    second.progress(50, "b")
    first.progress(10, "a")  # late report of an earlier part: clamped
    assert seen == [(25, "a"), (50, "a"), (75, "b"), (75, "a")]


def test_idle_control_leaves_images_alone():
    import pyvips

    image = pyvips.Image.black(10, 10)
    assert Control().idle and Control().watch(image, "x") is image
    assert not Control(cancel=lambda: False).idle
