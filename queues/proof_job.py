"""The worker's part of QA's zoom: tile pyramids of a job that goes to QA, stored under deterministic
keys (`storage.keys.proof_prefix`); the API only serves what is stored here (api/proof.py).

Made before the job is recorded, so a job in `qa_pending` has its tiles; a proof that cannot be made
costs the zoom, never the render (QA still has the preview and the overlay).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import structlog

from orders.lifecycle import Claim
from printfiles.build import BuildResult
from queues.ports import WorkerServices as Services
from render.proof_tiles import make_proof
from storage.keys import proof_prefix

log = structlog.get_logger("printline.worker")
MANIFEST = "manifest.json"


def goes_to_qa(services: Services, result: BuildResult) -> bool:
    return result.report.verdict.value != "ok" or not services.lifecycle.policy.auto_approve


def store_proof(services: Services, claim: Claim, result: BuildResult, folder: Path) -> str | None:
    """Make and store the proof of a job QA will see; its storage prefix, or None."""
    try:
        if not goes_to_qa(services, result):
            return None
        product = services.catalogue.get(claim.product)
        folds = {page.name: page.fold_x_mm for page in product.layout()}
        sources = {uid: folder / "src" / uid for uid in claim.sources}
        report = json.loads(result.report_path.read_bytes())
        proof = make_proof(result.printfile, report, folder / "proof", sources=sources,
                           safe_mm=product.safe_mm, folds=folds)
        prefix = proof_prefix(claim.brand, claim.order_id, claim.item_id, claim.version)
        storage = services.storage

        def put(path: Path) -> None:
            key = f"{prefix}/{path.relative_to(proof.folder).as_posix()}"
            kind = "image/jpeg" if path.suffix == ".jpg" else "application/xml"
            storage.put_file(key, path, content_type=kind)

        with ThreadPoolExecutor(max_workers=4, thread_name_prefix="proof-store") as pool:
            list(pool.map(put, proof.files()))
        storage.put_bytes(f"{prefix}/{MANIFEST}", json.dumps(proof.manifest()).encode(),
                          content_type="application/json")
        return prefix
    except Exception:
        log.exception("proof_failed", job_id=claim.job_id)
        return None
