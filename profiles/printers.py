"""Printer profiles: crop marks and slug strip a press wants around each page.

Loaded from `profiles/data/printers.toml` and validated; a product names its printer by id.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from profiles.base import DATA_DIR, CatalogueError


class Printer(BaseModel):
    """What goes around the bleed of every page printed on this printer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    crop_marks: bool = False
    mark_offset_mm: float = Field(2.0, ge=0, description="Gap between bleed edge and crop mark.")
    mark_length_mm: float = Field(5.0, gt=0)
    mark_weight_pt: float = Field(0.25, gt=0)
    slug: bool = False
    slug_height_mm: float = Field(12.0, ge=8, description="Height of the slug strip below the marks.")
    # Press sheets, for printers that gang several pages on one sheet (printfiles.impose); None on
    # printers that print one page per sheet. The sheet is short edge x long edge; the gripper holds
    # one short edge (the lead edge), the side margin is what the press cannot print on the other three.
    sheet_width_mm: float | None = Field(None, gt=0, description="Press sheet, short edge.")
    sheet_height_mm: float | None = Field(None, gt=0, description="Press sheet, long edge.")
    gripper_mm: float | None = Field(None, ge=0, description="Unprintable lead edge held by the gripper.")
    side_margin_mm: float | None = Field(None, ge=0, description="Unprintable margin on the other edges.")
    gutter_mm: float | None = Field(None, ge=0, description="Space between neighbouring bleed boxes.")

    @property
    def marks_margin_mm(self) -> float:
        """Room outside the bleed on every side for the crop marks."""
        return self.mark_offset_mm + self.mark_length_mm if self.crop_marks else 0.0

    def margins_mm(self) -> tuple[float, float, float, float]:
        """Extra media outside the BleedBox: (top, right, bottom, left)."""
        m = self.marks_margin_mm
        bottom = m + (self.slug_height_mm if self.slug else 0.0)
        return (m, m, bottom, m)


def load_printers(path: Path | None = None) -> dict[str, Printer]:
    """All printers of the data file, by id; CatalogueError names the file and field."""
    path = path or DATA_DIR / "printers.toml"
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"{path}: cannot read printers: {exc}") from exc
    printers: dict[str, Printer] = {}
    for index, raw in enumerate(data.get("printer", [])):
        try:
            printer = Printer.model_validate(raw)
        except ValidationError as exc:
            where = raw.get("id", f"#{index}")
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise CatalogueError(f"{path}: printer {where}: {problems}") from exc
        if printer.id in printers:
            raise CatalogueError(f"{path}: printer id {printer.id!r} appears twice")
        printers[printer.id] = printer
    return printers
