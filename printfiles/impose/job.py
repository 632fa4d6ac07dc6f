"""Impose card print files onto press sheets: the one entry point of `printline impose` and of a
sheet worker. Paths and profiles in, a PDF/X-4 file and a report out; ids and dates come from the
caller (or from the inputs' bytes), never from the clock, so the same job gives the same file.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from printfiles.impose.cards import read_card
from printfiles.impose.plan import Plan, SheetSide, plan_sheets
from printfiles.impose.sheet import sheet_for
from printfiles.impose.writer import SlugText, write_sheets
from printfiles.pdfx import DocInfo, ids_for
from profiles.catalogue import Catalogue, Product
from profiles.printers import Printer

PRODUCER = "Printline impose (reportlab + pikepdf/qpdf)"
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class CardOrder:
    """One card print file and how many copies of it to print; `label` (a job id) names it on the
    slug, else the file name does."""

    path: Path
    quantity: int = 1
    label: str | None = None


@dataclass(frozen=True)
class SideReport:
    page: int  # 1-based page of the output PDF
    sheet: int
    side: str
    sheet_id: str
    format: str
    cards: list[str]  # label of each placed card, in slot order


@dataclass(frozen=True)
class ImposeResult:
    path: Path
    sheets: int  # physical sheets
    sides: list[SideReport]
    per_sheet: dict[str, int]  # format -> cards per sheet
    paper_use: dict[str, float]  # format -> trim area of a full sheet's cards / sheet area
    plan: Plan


def _run_id(orders: Sequence[CardOrder], sheet_key: str) -> str:
    """A short id of what was asked: the same files, quantities and sheet give the same id."""
    digest = hashlib.sha256(sheet_key.encode())
    for order in orders:
        digest.update(hashlib.sha256(Path(order.path).read_bytes()).digest())
        digest.update(f"{order.quantity}:{order.label or ''}".encode())
    return digest.hexdigest()[:10]


def _slug_text(plan: Plan, run_id: str) -> SlugText:
    def text(side: SheetSide) -> tuple[str, str]:
        sheet_id = f"S-{run_id}-{side.number:03d}"
        labels = sorted({plan.cards[p.card].label for p in side.placed})
        intent = plan.cards[0].intent
        return sheet_id, (
            f"sheet {side.number} of {plan.sheets} · {side.side} · {plan.sheet.printer_name}"
            f" ({plan.sheet.printer_id}) · {plan.sheet.width:g} x {plan.sheet.height:g} mm"
            f" · {intent.condition_identifier} · {side.format}"
            f" · {len(side.placed)} up · {', '.join(labels)}"
        )

    return text


def impose_cards(
    orders: Sequence[CardOrder],
    printer: Printer,
    out_path: Path,
    *,
    sheet_size: tuple[float, float] | None = None,
    catalogue: Catalogue | None = None,
    product: Product | None = None,
    run_id: str | None = None,
    created_at: datetime | None = None,
) -> ImposeResult:
    """Place every copy of every card on the printer's sheets (or sheets of `sheet_size`, mm) and
    write them to out_path as PDF/X-4. Raises ImposeError (MixedOutputError for cards of different
    output conditions) with a message that names the files."""
    sheet = sheet_for(printer, sheet_size)
    cards = [read_card(Path(o.path), label=o.label, product=product, catalogue=catalogue) for o in orders]
    plan = plan_sheets(cards, [o.quantity for o in orders], sheet)
    run_id = run_id or _run_id(orders, f"{sheet.printer_id}:{sheet.width}x{sheet.height}")
    created_at = created_at or _EPOCH
    document_id, instance_id = ids_for(f"sheets:{run_id}", 1)
    info = DocInfo(title=f"Gang sheets {run_id} ({plan.sheets} sheets, {printer.id})", producer=PRODUCER,
                   creator="Printline", created_at=created_at, document_id=document_id,
                   instance_id=instance_id, version=1)
    out_path = Path(out_path)
    scratch = out_path.parent / f".impose-{run_id}"
    text = _slug_text(plan, run_id)
    try:
        write_sheets(plan, text, info, out_path, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    sides = [SideReport(page=n, sheet=s.number, side=s.side, sheet_id=text(s)[0], format=s.format,
                        cards=[plan.cards[p.card].label for p in s.placed])
             for n, s in enumerate(plan.sides, 1)]
    trims = {s.format: s.placed[0].trim for s in plan.sides}
    sheet_area = plan.sheet.media.area
    use = {name: layout.count * trims[name].area / sheet_area for name, layout in plan.layouts.items()}
    return ImposeResult(path=out_path, sheets=plan.sheets, sides=sides,
                        per_sheet={k: v.count for k, v in plan.layouts.items()}, paper_use=use, plan=plan)
