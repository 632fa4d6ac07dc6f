"""The render task's bookkeeping: claim, store, record; failures a person can act on; reruns.

A stand-in build function keeps these unit tests fast; the real render is exercised end to end in
tests/printline/test_whole_path.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from records.models import Event, Job
from orders.states import JobState
from printfiles.build import BuildResult
from queues.render_job import Outcome, run_render_job
from render.errors import RenderError
from vocab.findings import Verdict
from tests import imagegen
from tests.conftest import order_body


class FakeReport:
    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict

    def model_dump(self, mode: str) -> dict:
        return {"verdict": self.verdict.value, "findings": []}


def fake_build(verdict: Verdict = Verdict.ok):
    calls: list[tuple] = []

    def build(spec, product, sources, out_dir: Path, meta, printer=None, **_control) -> BuildResult:
        calls.append((spec, product.id, {k: Path(v).read_bytes() for k, v in sources.items()}, meta))
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, data in (("printfile.pdf", b"%PDF-1.6\n" + meta.job_id.encode()),
                           ("report.json", json.dumps({"verdict": verdict.value}).encode())):
            (out_dir / name).write_bytes(data)
        imagegen.photo_jpeg(out_dir / "preview.jpg", 120, 168)
        return BuildResult(printfile=out_dir / "printfile.pdf", preview=out_dir / "preview.jpg", overlay=None,
                           report_path=out_dir / "report.json", report=FakeReport(verdict))

    build.calls = calls
    return build


@pytest.fixture
def job_id(client, keys, photo) -> str:
    upload = client.post("/v1/uploads", data=photo.read_bytes(),
                         headers={**keys["myposter", "shop"], "Content-Type": "image/jpeg"}).get_json()
    order = client.post("/v1/orders", json=order_body(upload["id"]), headers=keys["myposter", "shop"]).get_json()
    return order["items"][0]["job_id"]


def _job(services, job_id: str) -> Job:
    with services.sessions() as session:
        return session.scalar(select(Job).where(Job.id == job_id))


def test_render_stores_files_under_deterministic_keys_and_approves_ok(services, job_id, photo):
    """The worker hands the build the original upload and records the outcome."""
    build = fake_build(Verdict.ok)
    assert run_render_job(job_id, services, build) is Outcome.done
    job = _job(services, job_id)
    assert job.state == JobState.approved and job.verdict == "ok" and job.attempts == 1
    assert job.printfile_key.startswith("myposter/printfiles/") and job.printfile_key.endswith("/r1.pdf")
    assert services.storage.open(job.printfile_key).read().endswith(job_id.encode())
    [(spec, product, sources, meta)] = build.calls
    assert product == "poster-50x70" and meta.version == 1 and meta.order_ref == "MP-2026-000123"
    assert list(sources.values()) == [photo.read_bytes()]
    assert not (services.settings.var_dir / "work" / f"{job_id}-r1").exists()  # the work folder is cleaned
    with services.sessions() as session:
        states = [e.to_state for e in session.scalars(select(Event).where(Event.job_id == job_id).order_by(Event.id))]
    assert states == ["queued", "rendering", "rendered", "approved"]


def test_warn_verdict_waits_for_qa(services, job_id):
    run_render_job(job_id, services, fake_build(Verdict.warn))
    assert _job(services, job_id).state == JobState.qa_pending


def test_a_second_run_changes_nothing(services, job_id):
    build = fake_build()
    run_render_job(job_id, services, build)
    before = _job(services, job_id)
    assert run_render_job(job_id, services, build) is Outcome.skipped
    after = _job(services, job_id)
    assert (after.state, after.updated_at, after.attempts) == (before.state, before.updated_at, before.attempts)
    assert len(build.calls) == 1


def test_customer_error_fails_the_job_with_its_reason(services, job_id):
    def build(*args, **kwargs):
        raise RenderError("crop aspect 1.0 does not match the product's 0.714")

    assert run_render_job(job_id, services, build) is Outcome.failed
    job = _job(services, job_id)
    assert job.state == JobState.failed and "crop aspect" in job.reason


def test_internal_errors_retry_then_fail(services, job_id):
    def build(*args, **kwargs):
        raise OSError("disk full")

    outcomes = [run_render_job(job_id, services, build) for _ in range(services.settings.max_attempts)]
    assert outcomes == [Outcome.retry] * (services.settings.max_attempts - 1) + [Outcome.failed]
    job = _job(services, job_id)
    assert job.state == JobState.failed and job.reason_code == "internal-error"
    assert "disk full" not in job.reason and "OSError" not in job.reason  # internals go to the log only


def test_cancelled_job_is_not_rendered(client, keys, services, job_id):
    job = _job(services, job_id)
    order_id = client.get(f"/v1/jobs/{job_id}", headers=keys["myposter", "shop"]).get_json()["order_id"]
    client.post(f"/v1/orders/{order_id}/items/{job.item_id}/cancel", json={}, headers=keys["myposter", "shop"])
    build = fake_build()
    assert run_render_job(job_id, services, build) is Outcome.skipped
    assert build.calls == []


def test_packing_slip_is_built_after_a_render(client, keys, services, job_id, tool):
    import subprocess

    order_id = client.get(f"/v1/jobs/{job_id}", headers=keys["myposter", "shop"]).get_json()["order_id"]
    pending = client.get(f"/v1/orders/{order_id}/packing-slip", headers=keys["myposter", "production"])
    assert pending.status_code == 409
    run_render_job(job_id, services, fake_build())
    response = client.get(f"/v1/orders/{order_id}/packing-slip", headers=keys["myposter", "production"])
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    pdf = services.settings.var_dir / "slip.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run([tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "MP-2026-000123" in text and "MwSt" in text  # the order is German: German texts


def test_a_cancel_reaches_a_running_render(client, keys, services, job_id):
    """The shop cancels while the render runs: the worker's watch sets the cancel token the render checks
    (between steps and through libvips' kill flag), the render stops, nothing is recorded."""
    import threading

    from render.control import RenderCancelled

    started, seen = threading.Event(), {}

    def build(spec, product, sources, out_dir, meta, printer=None, cancel=None, on_progress=None):
        on_progress(10, "encode")
        started.set()
        seen["stopped"] = cancel.wait(10)
        raise RenderCancelled("stopped")

    def cancel_soon():
        started.wait(10)
        job = _job(services, job_id)
        order_id = client.get(f"/v1/jobs/{job_id}", headers=keys["myposter", "shop"]).get_json()["order_id"]
        client.post(f"/v1/orders/{order_id}/items/{job.item_id}/cancel", json={}, headers=keys["myposter", "shop"])

    thread = threading.Thread(target=cancel_soon)
    thread.start()
    assert run_render_job(job_id, services, build) is Outcome.abandoned
    thread.join()
    job = _job(services, job_id)
    assert seen["stopped"] and job.state == JobState.cancelled and job.printfile_key is None


def test_progress_reaches_the_api_while_rendering(client, keys, services, job_id):
    def build(spec, product, sources, out_dir, meta, printer=None, cancel=None, on_progress=None):
        on_progress(42, "encode")
        seen = client.get(f"/v1/jobs/{job_id}", headers=keys["myposter", "shop"]).get_json()
        assert (seen["state"], seen["progress"], seen["progress_percent"]) == ("rendering", "encode", 42)
        return fake_build()(spec, product, sources, out_dir, meta, printer=printer)

    assert run_render_job(job_id, services, build) is Outcome.done
