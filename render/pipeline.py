"""Render one image slot: photo in, print-ready CMYK raster, soft-proof preview and measurements out.

The raster is the declared sequence of steps in `render.steps` (aim, load, place, colour-in,
sharpen, colour-out, scale, bleed, encode) over a frozen state. libvips evaluates the whole chain
as one streaming pipeline while `encode` writes the file, so peak memory grows with the raster's
width, not its area. Preview, ink and gamut (`render.measure`) come from one small copy of the
source on a second thread beside the raster; `render.report` turns both into the result and its
findings. A render can be stopped (`cancel`) and followed (`on_progress`): see `render.control`.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyvips

from vocab.spec import CropMode
from render import measure, report, steps
from render.control import CancelToken, Control, ProgressCallback, RenderCancelled
from render.errors import RenderError
from render.plan import plan_box
from render.report import RenderMetrics, RenderResult
from render.request import RenderRequest
from render.source import SourceInfo, inspect
from render.steps.encode import ENCODE_SHARE
from render.steps.state import SlotState

__all__ = [
    "RenderCancelled",
    "RenderMetrics",
    "RenderRequest",
    "RenderResult",
    "render_slot",
]

_configured = False


def _configure() -> None:
    """No libvips operation cache (a worker renders each file once; the cache would only hold
    memory), and one libvips thread per core unless VIPS_CONCURRENCY says otherwise. With the
    separable enlargement more threads only hold more strips: poster-50x70 from 24 MP on 2 cores
    (bench/cpu.py --concurrency 1,2,4) took 2.67 / 2.71 / 2.75 CPU s and 1.89 / 1.81 / 1.93 s per
    file at 1 / 2 / 4 threads, and `printline render` peaked at 153 MB with 2 threads against
    178 MB with 4."""
    global _configured
    if not _configured:
        pyvips.cache_set_max(0)
        if "VIPS_CONCURRENCY" not in os.environ:
            cores = (
                len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
            )
            pyvips.concurrency_set(min(8, cores))
        _configured = True


def _start(info: SourceInfo, request: RenderRequest, out_dir: Path, name: str, control: Control) -> SlotState:
    """The state before the first step: the planned crop box, or (a lone slot) planned now."""
    box = request.box
    if box is None:
        planned = plan_box(info.upright, request.geometry, request.crop, request.mode)
        if isinstance(planned, str):
            raise RenderError(planned[0].upper() + planned[1:] + ".")
        box = planned
    smart = request.crop is None and request.mode is CropMode.smart
    return SlotState(info=info, request=request, geometry=request.geometry, box=box, smart=smart,
                     out_dir=out_dir, name=name, control=control)


def _remove_outputs(out_dir: Path, name: str) -> None:
    for suffix in (".jpg", ".flate", "-preview.jpg", "-overlay.jpg"):
        (out_dir / f"{name}{suffix}").unlink(missing_ok=True)


def render_slot(
    source: Path | SourceInfo,
    request: RenderRequest,
    out_dir: Path,
    name: str = "slot",
    *,
    cancel: CancelToken | None = None,
    on_progress: ProgressCallback | None = None,
) -> RenderResult:
    """Write `{name}.jpg` (or `.flate`), `{name}-preview.jpg`, `{name}-overlay.jpg`; return what was done.

    `source` is the photo's path, or its header as `render.source.inspect` read it (not read again).
    Raises RenderError when the customer's input cannot be printed as asked, and RenderCancelled
    (having removed what it wrote) when `cancel` is set before the render is done.
    """
    _configure()
    control = Control(cancel, on_progress)
    control.check("inspect")
    info = source if isinstance(source, SourceInfo) else inspect(Path(source), check_data=False)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        return _render(_start(info, request, out_dir, name, control))
    except RenderCancelled:
        _remove_outputs(out_dir, name)
        raise


def _render(state: SlotState) -> RenderResult:
    """The steps up to the lazy raster, then the raster encoded on this thread while the
    measurements run on a second one (libvips releases the GIL), using what the raster's
    threads leave of the cores instead of waiting for them."""
    state = steps.run(state, steps.SOURCE)
    state = steps.run(state, steps.picture_steps(state))
    control = state.control
    control.check("check")
    small = measure.small_copy(state)  # and the data check, while nothing else decodes
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="render-measure") as pool:
        measured = pool.submit(measure.measure, state, control.muted(), small)
        try:
            state = steps.run(state, steps.OUTPUT)
        except pyvips.Error as exc:
            measured.cancel()
            if control.cancelled():
                raise RenderCancelled("render cancelled while encoding the raster") from exc
            raise RenderError(
                f"The image {state.info.path.name!r} could not be decoded completely (it may be truncated "
                "or damaged); upload the original photo again."
            ) from exc
        except RenderCancelled:
            measured.cancel()
            raise
        control.progress(ENCODE_SHARE, "measure")
        done = measured.result()
    control.check("report")
    result = report.result(state, done)
    control.progress(100, "done")
    return result
