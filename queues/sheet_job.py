"""One press sheet from id to stored PDF: the glue between the lifecycle, storage and `printfiles.impose`.

Idempotent: only a `building` sheet is imposed (`Lifecycle.claim_sheet`); the storage key is the sheet's
own (`storage.keys.sheet_key`) and the PDF is the same bytes for the same sheet (its id names the run and
its creation time dates the file), so a rerun writes the same key as a no-op. A sheet cancelled while it
is imposed is abandoned: its file is not recorded. Reasons recorded are ones a person can act on (which
job, what to do); exception text and paths go to the log with the sheet id.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import structlog

from orders.lifecycle import SheetBuilt, SheetClaim
from orders.reasons import ReasonCode
from printfiles.impose import CardOrder, ImposeError, ImposeResult, MixedOutputError, impose_cards
from queues.ports import WorkerServices as Services
from storage.keys import sheet_key

log = structlog.get_logger("printline.worker")
MISSING_FILE = "missing-printfile"


class Outcome(StrEnum):
    done = "done"
    skipped = "skipped"
    failed = "failed"
    abandoned = "abandoned"


class _Missing(Exception):
    def __init__(self, job_id: str) -> None:
        super().__init__(job_id)
        self.job_id = job_id


def _reason(exc: ImposeError) -> str:
    """An imposition error as a person reads it: the files are named by job id (`<job>.pdf`); an error
    that wraps a lower one (a PDF that cannot be read) keeps only the file's name and what to do."""
    text = str(exc)
    if exc.__cause__ is not None and not isinstance(exc, MixedOutputError):
        name = text.split(":", 1)[0]
        text = f"{name}: the print file cannot be read; render the job again"
    text = re.sub(r"(?<![\w.])/(?:[\w.@+-]+/)+([\w.@+-]+)", r"\1", text)  # no server paths
    return text.replace(".pdf:", ":")[:1000]


def _download(services: Services, claim: SheetClaim, folder: Path) -> list[CardOrder]:
    orders = []
    for card in claim.cards:
        path = folder / "src" / f"{card.job_id}.pdf"
        if not card.printfile_key:
            raise _Missing(card.job_id)
        try:
            services.storage.download(card.printfile_key, path)
        except KeyError:
            raise _Missing(card.job_id) from None
        orders.append(CardOrder(path=path, quantity=card.quantity, label=card.job_id))
    return orders


def _built(result: ImposeResult, key: str) -> SheetBuilt:
    return SheetBuilt(file_key=key, sheets=result.sheets, per_sheet=dict(result.per_sheet),
                      paper_use={k: round(v, 4) for k, v in result.paper_use.items()})


def run_sheet_job(sheet_id: str, services: Services,
                  impose: Callable[..., ImposeResult] = impose_cards) -> Outcome:
    """Impose sheet `sheet_id`, store its PDF and record it (or why it could not be built); never raises
    for a print file that cannot be imposed."""
    lifecycle = services.lifecycle
    claim = lifecycle.claim_sheet(sheet_id)
    if isinstance(claim, str):
        log.info("sheet_skipped", sheet_id=sheet_id, why=claim)
        return Outcome.skipped
    folder = services.settings.var_dir / "work" / f"sheet-{claim.sheet_id}"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "src").mkdir(parents=True)
    bound = log.bind(sheet_id=sheet_id, printer=claim.printer, jobs=len(claim.cards))
    try:
        orders = _download(services, claim, folder)
        printer = services.catalogue.printer(claim.printer)
        result = impose(orders, printer, folder / "out" / "sheet.pdf", catalogue=services.catalogue,
                        run_id=claim.sheet_id, created_at=claim.created_at)
        key = sheet_key(claim.brand, claim.sheet_id)
        services.storage.put_file(key, result.path, content_type="application/pdf",
                                  filename=f"{claim.sheet_id}-{claim.printer}.pdf")
        built = _built(result, key)
    except _Missing as missing:
        bound.warning("sheet_printfile_missing", job_id=missing.job_id)
        lifecycle.fail_sheet(sheet_id, MISSING_FILE, f"The print file of job {missing.job_id} is missing; "
                             "render the job again (retry), then ask for a new sheet.")
        return Outcome.failed
    except ImposeError as exc:
        bound.info("sheet_failed", detail=str(exc))
        lifecycle.fail_sheet(sheet_id, ReasonCode.image_problem.value, _reason(exc))
        return Outcome.failed
    except Exception:  # noqa: BLE001 - anything else: failed; production asks for a new sheet
        bound.exception("sheet_error")
        lifecycle.fail_sheet(sheet_id, ReasonCode.internal_error.value, "The sheet could not be built because "
                             "of a problem on our side; ask for a new sheet, and tell support if it happens again.")
        return Outcome.failed
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not lifecycle.finish_sheet(sheet_id, built):
        bound.info("sheet_abandoned")  # cancelled while it was imposed: its file is not used
        return Outcome.abandoned
    bound.info("sheet_built", sheets=built.sheets, per_sheet=built.per_sheet)
    return Outcome.done
