"""Shared by the lifecycle tests: who takes which action, forcing a job into a state, counting rows."""

from __future__ import annotations

from sqlalchemy import func, select

from records.models import Event, FeedEvent, Job, OutboxMessage
from orders.states import JobState

S = JobState
ROLE_OF = {"approve": "qa", "reject": "qa", "mark_printed": "production", "mark_shipped": "production",
           "reprint": "production", "retry": "production"}


def force(services, job_id: str, state: JobState) -> None:
    """Test set-up only: put a job straight into a state, to try an action from there."""
    with services.sessions() as session:
        session.get(Job, job_id).state = state.value
        session.commit()


def counts(services) -> tuple[int, int, int]:
    with services.sessions() as session:
        return tuple(session.scalar(select(func.count()).select_from(t)) for t in (Event, FeedEvent, OutboxMessage))


# the brand's card products and their printer, as the API passes them
CARDS = {"card-a6-flat": "card-digital"}


def card_jobs(client, keys, photo, services, count: int = 2) -> list[str]:
    """`count` approved card jobs of kartenliebe with a (pretend) print file key: ready for a sheet."""
    from tests.sheetcards import card_order

    ids = [card_order(client, keys, photo, quantity=n + 1, external_id=f"KL-{n}")["items"][0]["job_id"]
           for n in range(count)]
    with services.sessions() as session:
        for job_id in ids:
            job = session.get(Job, job_id)
            job.state, job.printfile_key = S.approved.value, f"printfiles/{job_id}.pdf"
        session.commit()
    return ids
