"""`queues.proof_job`: a job that goes to QA (a verdict other than ok, or no auto-approval) gets its zoomable
proof made from the print file and stored under the version's proof prefix, manifest last; one that does
not, or a proof that cannot be made, stores nothing and never fails the render."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from structlog.testing import capture_logs

from orders.lifecycle import Claim
from queues.proof_job import MANIFEST, goes_to_qa, store_proof
from storage.keys import proof_prefix
from vocab.findings import Verdict

CLAIM = Claim(job_id="job_1", brand="kartenliebe", order_id="ord_1", order_ref="KL-1", item_id="itm_1", version=2,
              quantity=1, product="card-a6-flat", spec={}, sources={"upl_1": "kartenliebe/uploads/x"},
              created_at=datetime(2026, 1, 1, tzinfo=UTC), attempt=1)


def _verdict(value: Verdict):
    return SimpleNamespace(report=SimpleNamespace(verdict=value))


def test_qa_sees_what_is_not_ok_and_everything_without_auto_approval(services, monkeypatch):
    monkeypatch.setattr(services.lifecycle, "policy", replace(services.lifecycle.policy, auto_approve=True))
    assert not goes_to_qa(services, _verdict(Verdict.ok))
    assert goes_to_qa(services, _verdict(Verdict.warn)) and goes_to_qa(services, _verdict(Verdict.fail))
    monkeypatch.setattr(services.lifecycle, "policy", replace(services.lifecycle.policy, auto_approve=False))
    assert goes_to_qa(services, _verdict(Verdict.ok))


@pytest.fixture
def built(tmp_path, photo):
    from printfiles.build import PrintMeta, build_item
    from profiles.catalogue import load_catalogue
    from vocab.spec import ItemSpec

    catalogue = load_catalogue()
    product = catalogue.get("card-a6-flat")
    spec = ItemSpec.model_validate({"product": product.id, "image": {"upload_id": "upl_1"}})
    meta = PrintMeta(brand="kartenliebe", order_ref="KL-1", item_ref="itm_1", job_id="job_1", version=2,
                     created_at=datetime(2026, 1, 1, tzinfo=UTC), quantity=1)
    folder = tmp_path / "work"
    (folder / "src").mkdir(parents=True)
    shutil.copyfile(photo, folder / "src" / "upl_1")
    result = build_item(spec, product, {"upl_1": photo}, folder / "out", meta, printer=catalogue.printer(product.printer))
    return folder, result


def test_the_proof_is_stored_under_the_versions_prefix(services, built):
    folder, result = built
    assert result.report.verdict != Verdict.ok  # a 600 x 800 photo on A6: QA looks at it
    prefix = store_proof(services, CLAIM, result, folder)
    assert prefix == proof_prefix("kartenliebe", "ord_1", "itm_1", 2)
    manifest = json.loads(services.storage.open(f"{prefix}/{MANIFEST}").read())
    [slot] = manifest["slots"]
    assert services.storage.open(f"{prefix}/s0.dzi").read().startswith(b"<?xml")
    assert services.storage.open(f"{prefix}/s0_files/0/0_0.jpg").read()[:2] == b"\xff\xd8"
    assert services.storage.exists(f"{prefix}/{slot['source']}")


def test_no_proof_when_qa_does_not_look_or_it_cannot_be_made(services, built, tmp_path):
    folder, result = built
    assert services.lifecycle.policy.auto_approve  # the test settings' default
    ok = replace(result, report=SimpleNamespace(verdict=Verdict.ok))
    assert store_proof(services, CLAIM, ok, folder) is None
    broken = replace(result, printfile=tmp_path / "missing.pdf")
    with capture_logs() as logs:
        assert store_proof(services, CLAIM, broken, folder) is None
    assert [e["event"] for e in logs] == ["proof_failed"] and logs[0]["job_id"] == "job_1"
    assert not services.storage.exists(f"{proof_prefix('kartenliebe', 'ord_1', 'itm_1', 2)}/{MANIFEST}")
