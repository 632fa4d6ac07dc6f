"""Stopping a render and following its progress.

A caller passes `cancel` (a `threading.Event`, or any callable returning True once the render should
stop) and `on_progress(percent, stage)`. The render checks `cancel` between its steps, and while
libvips evaluates an image it watches (the print raster as it is encoded) through libvips' own
kill flag: the image's `eval` signal fires as rows are computed, the handler sets the kill flag
once cancelled, and libvips stops with an error the render turns into `RenderCancelled`. The same
signal's `progress.percent` drives `on_progress`, called only when the whole percent or the stage
changes and never with a smaller percent than before. Both may be called from libvips' threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

import pyvips


class RenderCancelled(Exception):  # noqa: N818 - a stop asked for, not an error of the input
    """The caller stopped the render; nothing it wrote is a result. Not a RenderError: it is not
    the customer's fault, and the job may simply run again."""


class _Event(Protocol):
    def is_set(self) -> bool: ...


CancelToken = _Event | Callable[[], bool]
ProgressCallback = Callable[[int, str], None]


def _as_check(cancel: CancelToken | None) -> Callable[[], bool]:
    if cancel is None:
        return lambda: False
    if hasattr(cancel, "is_set"):
        return cancel.is_set  # type: ignore[union-attr]
    return cancel  # type: ignore[return-value]


class _Reporter:
    """Monotonic, throttled calls of one on_progress callback, shared by the parts of a render."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self._lock = threading.Lock()
        self._last: tuple[int, str] | None = None

    def report(self, percent: float, stage: str) -> None:
        if self._callback is None:
            return
        with self._lock:
            whole = max(0, min(100, int(percent)))
            if self._last is not None:
                whole = max(whole, self._last[0])
                if (whole, stage) == self._last:
                    return
            self._last = (whole, stage)
        self._callback(whole, stage)


class Control:
    """The cancel check and the progress of one render (or of a part of it: `part`)."""

    def __init__(
        self, cancel: CancelToken | None = None, on_progress: ProgressCallback | None = None
    ) -> None:
        self._cancelled = _as_check(cancel)
        self._reporter = _Reporter(on_progress)
        self._low, self._high = 0.0, 100.0
        self._idle = cancel is None and on_progress is None  # nothing to watch libvips for

    def part(self, low: float, high: float) -> Control:
        """The same render, its progress 0..100 mapped onto low..high of this one's."""
        child = Control.__new__(Control)
        child._cancelled, child._reporter, child._idle = self._cancelled, self._reporter, self._idle
        span = self._high - self._low
        child._low, child._high = self._low + span * low / 100, self._low + span * high / 100
        return child

    @property
    def idle(self) -> bool:
        """Neither a cancel token nor a progress callback was given."""
        return self._idle

    def muted(self) -> Control:
        """The same cancel check without progress (work beside the part that reports it)."""
        child = self.part(0, 100)
        child._reporter = _Reporter(None)
        return child

    def cancelled(self) -> bool:
        return bool(self._cancelled())

    def check(self, stage: str) -> None:
        """Raise RenderCancelled when cancelled; else report that `stage` starts."""
        if self.cancelled():
            raise RenderCancelled(f"render cancelled before {stage}")
        self.progress(0, stage)

    def progress(self, percent: float, stage: str) -> None:
        """`percent` (0..100) of this part done, in `stage`."""
        self._reporter.report(self._low + (self._high - self._low) * percent / 100, stage)

    def watch(self, image: pyvips.Image, stage: str, *, upto: float = 100.0) -> pyvips.Image:
        """Follow libvips' evaluation of `image`: progress 0..`upto` % of this part in `stage`,
        and the kill flag set as soon as the render is cancelled. Returns the image."""
        if self._idle:
            return image
        image.set_progress(True)

        def on_eval(evaluated: pyvips.Image, progress: pyvips.Progress) -> None:
            if self.cancelled():
                image.set_kill(True)
            else:
                self.progress(progress.percent * upto / 100, stage)

        image.signal_connect("eval", on_eval)
        return image


NO_CONTROL = Control()
