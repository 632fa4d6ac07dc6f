"""The press sheet: its size, what the press cannot print, and where cards, marks and slug go.

Sheets are described short edge x long edge, portrait (x across the short edge): `450x320` is the
same SRA3 sheet as `320x450`. The gripper holds the lead edge at the bottom (y = 0); the other three
edges lose the side margin. Work-and-turn turns the sheet over its long edge (x -> width - x), which
keeps the gripper edge, so the printable area must be, and is, symmetric in x.
"""

from __future__ import annotations

from dataclasses import dataclass

from printfiles.impose.errors import ImposeError
from printfiles.impose.geometry import Affine, Rect, mirror_x
from profiles.printers import Printer


@dataclass(frozen=True)
class SheetSpec:
    """Everything about a sheet that the layout and the marks need, in mm."""

    width: float
    height: float
    gripper: float
    side_margin: float
    gutter: float
    crop_marks: bool
    mark_offset: float
    mark_length: float
    mark_weight_pt: float
    slug: bool
    slug_height: float
    printer_id: str
    printer_name: str

    @property
    def media(self) -> Rect:
        return Rect(0.0, 0.0, self.width, self.height)

    @property
    def printable(self) -> Rect:
        """What the press can print: inside the gripper and the side margins."""
        side = self.side_margin
        return Rect(side, self.gripper, self.width - side, self.height - side)

    @property
    def marks_margin(self) -> float:
        return self.mark_offset + self.mark_length if self.crop_marks else 0.0

    @property
    def slug_rect(self) -> Rect | None:
        """The slug strip along the tail edge (opposite the gripper), inside the printable area."""
        if not self.slug:
            return None
        p = self.printable
        return Rect(p.x0, p.y1 - self.slug_height, p.x1, p.y1)

    @property
    def card_area(self) -> Rect:
        """Where bleed boxes may go: the printable area less room for full crop marks all round
        and the slug strip."""
        p, m = self.printable, self.marks_margin
        top = (self.slug_rect.y0 if self.slug_rect else p.y1) - m
        return Rect(p.x0 + m, p.y0 + m, p.x1 - m, top)

    def turn(self) -> Affine:
        """The map from front-side to back-side coordinates of the same spot of paper."""
        return mirror_x(self.width / 2)


def parse_size(value: str) -> tuple[float, float]:
    """'320x450' -> (320.0, 450.0); ImposeError says what a size looks like."""
    try:
        w, h = (float(part) for part in value.lower().replace("×", "x").split("x"))
    except ValueError:
        raise ImposeError(f"sheet size {value!r}: give WIDTHxHEIGHT in mm, e.g. 320x450") from None
    if w <= 0 or h <= 0:
        raise ImposeError(f"sheet size {value!r}: both sides must be positive")
    return w, h


def sheet_for(printer: Printer, size: tuple[float, float] | None = None) -> SheetSpec:
    """The printer's sheet, or a sheet of `size` (mm) with the printer's margins and marks."""
    if size is None:
        if printer.sheet_width_mm is None or printer.sheet_height_mm is None:
            raise ImposeError(f"printer {printer.id!r} prints one page per sheet (no sheet size in its "
                              "profile); give a sheet size")
        size = (printer.sheet_width_mm, printer.sheet_height_mm)
    short, long = sorted(size)
    spec = SheetSpec(
        width=short,
        height=long,
        gripper=printer.gripper_mm or 0.0,
        side_margin=printer.side_margin_mm or 0.0,
        gutter=printer.gutter_mm or 0.0,
        crop_marks=printer.crop_marks,
        mark_offset=printer.mark_offset_mm,
        mark_length=printer.mark_length_mm,
        mark_weight_pt=printer.mark_weight_pt,
        slug=printer.slug,
        slug_height=printer.slug_height_mm,
        printer_id=printer.id,
        printer_name=printer.name,
    )
    area = spec.card_area
    if area.width <= 0 or area.height <= 0:
        raise ImposeError(f"sheet {short:g} x {long:g} mm leaves no room for cards after the margins of "
                          f"printer {printer.id!r}")
    return spec
