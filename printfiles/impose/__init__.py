"""Gang sheets: several card print files on one press sheet, for the digital press and guillotine.

Pure: card PDFs and profiles in, a PDF/X-4 file of sheets and a report out (no Flask, Celery, SQL
or boto3). Modules: `geometry` (rectangles, matrices), `sheet` (sheet and margins from the printer
profile), `layout` (most cards per sheet), `cards` (reading card files), `plan` (which page goes
where), `marks` (crop/fold marks, slug), `writer` (the PDF), `job` (the entry point), `capacity`.
"""

from printfiles.impose.capacity import Capacity, capacity
from printfiles.impose.errors import ImposeError, MixedOutputError
from printfiles.impose.job import CardOrder, ImposeResult, SideReport, impose_cards
from printfiles.impose.sheet import SheetSpec, parse_size, sheet_for

__all__ = [
    "Capacity",
    "CardOrder",
    "ImposeError",
    "ImposeResult",
    "MixedOutputError",
    "SheetSpec",
    "SideReport",
    "capacity",
    "impose_cards",
    "parse_size",
    "sheet_for",
]
