"""The state the render's steps pass along: frozen, each step returns a copy with its part filled in."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyvips

from render.colour import ColourIn
from render.control import NO_CONTROL, Control
from render.geometry import CropBox, SlotGeometry
from render.request import RenderRequest
from render.source import Loaded, SourceInfo


@dataclass(frozen=True)
class Placement:
    """Where the crop lands: the resample's source origin and scale (loaded pixels) and output size,
    and how the resampled picture becomes the full raster."""

    x0: float
    y0: float
    scale_x: float  # output px per loaded px
    scale_y: float
    width: int  # of the resampled picture
    height: int
    raster: tuple[int, int]  # the full raster incl. bleed
    inset: tuple[int, int, int, int] | None  # `fit`: picture at (x, y) on the background, visible w x h
    visible_at: tuple[int, int] | None  # the visible rectangle's origin when bleed is added around it
    extend: str = "copy"  # what the resampling reads beyond the source's sides ('mirror': render.steps.mirror)

    @property
    def enlarging(self) -> bool:
        """Enlargements convert colour before resampling (at the smaller, source resolution)."""
        return max(self.scale_x, self.scale_y) > 1.0


@dataclass(frozen=True)
class Written:
    path: Path
    encoding: str  # 'DCT' | 'Flate'
    sha256: str  # of the file's bytes, taken as they were written


@dataclass(frozen=True)
class SlotState:
    info: SourceInfo
    request: RenderRequest
    geometry: SlotGeometry  # what is rendered: request.geometry, or the slot at preview resolution
    box: CropBox  # the crop in upright source pixels
    smart: bool = False  # the box still has to be moved to libvips' attention point
    out_dir: Path | None = None
    name: str = "slot"
    control: Control = NO_CONTROL
    loaded: Loaded | None = None
    place: Placement | None = None
    image: pyvips.Image | None = None  # the (lazy) picture so far
    colour_in: ColourIn | None = None
    method: str | None = None  # resampling: 'lanczos3' or the enlarging interpolator
    written: Written | None = None


Step = Callable[[SlotState], SlotState]


def stage(step: Step) -> str:
    """A step's name as progress reports it: 'colour_in' -> 'colour-in'."""
    return step.__name__.replace("_", "-")


def run(state: SlotState, steps: Iterable[Step]) -> SlotState:
    """Each step in turn, the cancel check before each (imgproxy's pipeline loop)."""
    for step in steps:
        state.control.check(stage(step))
        state = step(state)
    return state
