"""The sheet task's bookkeeping: claim, impose (the real `impose_cards` on real card print files), store
under the sheet's key, record; reruns; failures with reasons a person can act on. On both databases."""

from __future__ import annotations

import pikepdf
import pytest
from sqlalchemy import select

from records.models import Sheet, SheetEvent, SheetJob
from printfiles.impose import MixedOutputError, impose_cards
from queues.sheet_job import Outcome, run_sheet_job
from storage.keys import sheet_key
from tests.sheetcards import approved_card, build_card_pdfs, copies_per_card


@pytest.fixture(scope="session")
def card_pdfs(tmp_path_factory):
    return build_card_pdfs(tmp_path_factory)


@pytest.fixture
def two_jobs(client, keys, photo, services, card_pdfs) -> list[str]:
    pdf = card_pdfs["card-a6-flat"]
    return [approved_card(client, keys, photo, services, pdf, quantity=q, external_id=f"KL-{q}") for q in (4, 3)]


def _request(client, keys, job_ids: list[str]) -> str:
    response = client.post("/v1/sheets", json={"job_ids": job_ids}, headers=keys["kartenliebe", "production"])
    assert response.status_code == 202, response.get_json()
    return response.get_json()["id"]


def _sheet(services, sheet_id: str) -> Sheet:
    with services.sessions() as session:
        return session.get(Sheet, sheet_id)


def _active(services, sheet_id: str) -> list[bool | None]:
    with services.sessions() as session:
        return list(session.scalars(select(SheetJob.active).where(SheetJob.sheet_id == sheet_id)))


def test_imposes_the_jobs_and_stores_the_pdf_under_the_sheets_key(client, keys, services, two_jobs, tmp_path):
    sheet_id = _request(client, keys, two_jobs)
    assert run_sheet_job(sheet_id, services) is Outcome.done
    sheet = _sheet(services, sheet_id)
    assert sheet.state == "ready" and sheet.file_key == sheet_key("kartenliebe", sheet_id)
    assert sheet.file_key == f"kartenliebe/sheets/{sheet_id}.pdf"
    assert (sheet.sheets, sheet.per_sheet) == (2, {"card-a6-flat": 5})  # 7 copies, 5 up
    path = tmp_path / "sheet.pdf"
    services.storage.download(sheet.file_key, path)
    assert copies_per_card(path) == [3, 4]
    with pikepdf.open(path) as pdf:
        assert sheet_id in str(pdf.docinfo.Title) and len(pdf.pages) == 4  # 2 sheets, front and back
    assert _active(services, sheet_id) == [True, True]
    assert not (services.settings.var_dir / "work" / f"sheet-{sheet_id}").exists()  # the work folder is cleaned
    with services.sessions() as session:
        steps = [(e.from_state, e.to_state, e.actor) for e in
                 session.scalars(select(SheetEvent).where(SheetEvent.sheet_id == sheet_id).order_by(SheetEvent.id))]
    assert steps[1:] == [("building", "ready", "worker:sheet")] and steps[0][1] == "building"


def test_a_second_run_changes_nothing(client, keys, services, two_jobs):
    sheet_id = _request(client, keys, two_jobs)
    run_sheet_job(sheet_id, services)
    before = _sheet(services, sheet_id)
    calls = []

    def impose(*args, **kwargs):
        calls.append(args)
        return impose_cards(*args, **kwargs)

    assert run_sheet_job(sheet_id, services, impose) is Outcome.skipped
    after = _sheet(services, sheet_id)
    assert (after.state, after.updated_at, after.file_key) == (before.state, before.updated_at, before.file_key)
    assert calls == [] and run_sheet_job("sht_missing", services) is Outcome.skipped


def test_the_same_sheet_gives_the_same_bytes(client, keys, services, two_jobs, tmp_path):
    """A worker that died after storing and is run again stores the same bytes: a no-op, not a conflict."""
    sheet_id = _request(client, keys, two_jobs)
    claim = services.lifecycle.claim_sheet(sheet_id)
    results = []

    def impose(orders, printer, out_path, **kwargs):
        results.append(impose_cards(orders, printer, out_path, **kwargs).path.read_bytes())
        return impose_cards(orders, printer, out_path, **kwargs)

    assert run_sheet_job(sheet_id, services, impose) is Outcome.done
    assert results[0] == services.storage.open(sheet_key("kartenliebe", claim.sheet_id)).read()


def test_a_sheet_cancelled_while_imposed_is_abandoned(client, keys, services, two_jobs):
    sheet_id = _request(client, keys, two_jobs)

    def impose(*args, **kwargs):
        client.post(f"/v1/sheets/{sheet_id}/cancel", json={}, headers=keys["kartenliebe", "production"])
        return impose_cards(*args, **kwargs)

    assert run_sheet_job(sheet_id, services, impose) is Outcome.abandoned
    sheet = _sheet(services, sheet_id)
    assert sheet.state == "cancelled" and sheet.file_key is None
    assert _active(services, sheet_id) == [None, None]


def test_cards_of_different_stock_fail_the_sheet_naming_the_jobs(client, keys, services, two_jobs):
    sheet_id = _request(client, keys, two_jobs)

    def impose(orders, *args, **kwargs):
        raise MixedOutputError({"FOGRA47": [orders[0].label], "FOGRA39": [orders[1].label]})

    assert run_sheet_job(sheet_id, services, impose) is Outcome.failed
    sheet = _sheet(services, sheet_id)
    assert sheet.state == "failed" and sheet.reason_code == "image-problem"
    assert all(job_id in sheet.reason for job_id in two_jobs) and "different output conditions" in sheet.reason
    assert _active(services, sheet_id) == [None, None]  # the jobs are free for another sheet
    assert _request(client, keys, two_jobs[:1])


def test_an_unreadable_print_file_names_the_job_without_paths(client, keys, services, two_jobs):
    sheet_id = _request(client, keys, two_jobs)
    claim = services.lifecycle.claim_sheet(sheet_id)
    broken = claim.cards[1]
    services.storage.delete(broken.printfile_key)
    services.storage.put_bytes(broken.printfile_key, b"not a pdf", content_type="application/pdf")
    assert run_sheet_job(sheet_id, services) is Outcome.failed
    reason = _sheet(services, sheet_id).reason
    assert reason == f"{broken.job_id}: the print file cannot be read; render the job again"
    assert "/" not in reason and str(services.settings.var_dir) not in reason


def test_a_missing_print_file_and_internal_errors_are_reasons_a_person_can_act_on(client, keys, services,
                                                                                    two_jobs):
    sheet_id = _request(client, keys, two_jobs[:1])
    claim = services.lifecycle.claim_sheet(sheet_id)
    services.storage.delete(claim.cards[0].printfile_key)
    assert run_sheet_job(sheet_id, services) is Outcome.failed
    sheet = _sheet(services, sheet_id)
    assert sheet.reason_code == "missing-printfile" and two_jobs[0] in sheet.reason and "/" not in sheet.reason

    other = _request(client, keys, two_jobs[1:])

    def impose(*args, **kwargs):
        raise OSError(f"disk full at {services.settings.var_dir}")

    assert run_sheet_job(other, services, impose) is Outcome.failed
    sheet = _sheet(services, other)
    assert sheet.state == "failed" and sheet.reason_code == "internal-error"
    assert "disk full" not in sheet.reason and "OSError" not in sheet.reason


def test_the_database_keeps_a_job_on_one_active_sheet(client, keys, services, two_jobs):
    """The lifecycle checks under row locks; the unique (job_id, active) pair is the backstop."""
    from sqlalchemy.exc import IntegrityError

    sheet_id = _request(client, keys, two_jobs[:1])
    other = _request(client, keys, two_jobs[1:])
    with services.sessions() as session:
        session.add(SheetJob(sheet_id=other, job_id=two_jobs[0], position=1, quantity=1, active=True))
        with pytest.raises(IntegrityError):
            session.commit()
    client.post(f"/v1/sheets/{sheet_id}/cancel", json={}, headers=keys["kartenliebe", "production"])
    with services.sessions() as session:  # past sheets (NULL) never collide
        session.add(SheetJob(sheet_id=other, job_id=two_jobs[0], position=1, quantity=1, active=None))
        session.commit()
