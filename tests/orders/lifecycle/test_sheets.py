"""`orders.lifecycle.sheets`: press sheets of approved card jobs — requested, claimed, built or failed,
printed (with every job on it) or cancelled; a job sits on one active sheet at most. On SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from records.models import FeedEvent, Job, OutboxMessage, Sheet
from orders.lifecycle import ActionRefused, Actor, SheetBuilt, SheetRefused
from tests.orders.lifecycle.helpers import CARDS, S, card_jobs, force

PRODUCTION = Actor("production", "k")
BUILT = SheetBuilt(file_key="sheets/s.pdf", sheets=1, per_sheet={"card-a6-flat": 8},
                   paper_use={"card-a6-flat": 0.8})


@pytest.fixture
def jobs(client, keys, photo, services) -> list[str]:
    return card_jobs(client, keys, photo, services)


def _request(services, **kwargs) -> str:
    return services.lifecycle.request_sheet(brand="kartenliebe", actor=PRODUCTION, cards=CARDS, **kwargs)


def test_a_sheet_from_request_to_printed_takes_its_jobs_along(services, jobs):
    sheet_id = _request(services, printer="card-digital")
    with services.sessions() as session:
        sheet = session.get(Sheet, sheet_id)
        assert (sheet.state, sheet.printer, sheet.cards, sheet.requested_by) == (
            "building", "card-digital", 3, "production:k")
        assert session.scalar(select(OutboxMessage).where(OutboxMessage.sheet_id == sheet_id)).kind == "sheet"
    claim = services.lifecycle.claim_sheet(sheet_id)
    assert [(c.job_id, c.quantity, c.printfile_key) for c in claim.cards] == [
        (jobs[0], 1, f"printfiles/{jobs[0]}.pdf"), (jobs[1], 2, f"printfiles/{jobs[1]}.pdf")]
    assert services.lifecycle.finish_sheet(sheet_id, BUILT) is True
    assert services.lifecycle.claim_sheet(sheet_id) == "ready"
    services.lifecycle.mark_sheet_printed(brand="kartenliebe", sheet_id=sheet_id, actor=PRODUCTION)
    with services.sessions() as session:
        sheet = session.get(Sheet, sheet_id)
        assert (sheet.state, sheet.file_key, sheet.sheets) == ("printed", "sheets/s.pdf", 1)
        assert [session.get(Job, j).state for j in jobs] == ["printed", "printed"]
        types = [e.type for e in session.scalars(select(FeedEvent).order_by(FeedEvent.seq))]
        assert types.count("sheet.state_changed") == 3  # building, ready, printed


def test_a_job_sits_on_one_active_sheet_at_most(services, jobs):
    first = _request(services, job_ids=[jobs[0]])
    with pytest.raises(SheetRefused) as refused:
        _request(services, job_ids=jobs)
    assert (refused.value.code, refused.value.jobs, refused.value.status) == (
        "on-active-sheet", {jobs[0]: first}, 409)
    rest = _request(services, printer="card-digital")
    assert services.lifecycle.claim_sheet(rest).cards[0].job_id == jobs[1]
    with pytest.raises(ActionRefused) as nothing:
        _request(services, printer="card-digital")
    assert nothing.value.code == "nothing-to-impose"


def test_a_failed_or_cancelled_sheet_frees_its_jobs(services, jobs):
    failed = _request(services, job_ids=jobs)
    assert services.lifecycle.fail_sheet(failed, "sheet-too-small", "the card does not fit") == "failed"
    assert services.lifecycle.claim_sheet(failed) == "failed"
    assert services.lifecycle.finish_sheet(failed, BUILT) is False  # its file is not used
    cancelled = _request(services, job_ids=jobs)
    services.lifecycle.cancel_sheet(brand="kartenliebe", sheet_id=cancelled, actor=PRODUCTION)
    with pytest.raises(ActionRefused) as gone:
        services.lifecycle.mark_sheet_printed(brand="kartenliebe", sheet_id=cancelled, actor=PRODUCTION)
    assert (gone.value.code, gone.value.state) == ("sheet-cancelled", "cancelled")
    with services.sessions() as session:
        assert [session.get(Job, j).state for j in jobs] == ["approved", "approved"]
    assert _request(services, job_ids=jobs)
    assert services.lifecycle.claim_sheet("sht_missing") == "missing"


def test_what_cannot_go_on_a_sheet_is_named(services, jobs):
    force(services, jobs[1], S.qa_pending)
    with pytest.raises(SheetRefused) as unready:
        _request(services, job_ids=jobs)
    assert (unready.value.code, unready.value.jobs, unready.value.status) == ("not-approved",
                                                                              {jobs[1]: "qa_pending"}, 409)
    with pytest.raises(SheetRefused) as not_card:
        services.lifecycle.request_sheet(brand="kartenliebe", actor=PRODUCTION, cards={}, job_ids=jobs[:1])
    assert (not_card.value.code, not_card.value.status) == ("not-card", 422)
    with pytest.raises(SheetRefused) as no_printer:
        _request(services, printer="poster-inkjet")
    assert (no_printer.value.code, no_printer.value.status) == ("no-card-printer", 422)
