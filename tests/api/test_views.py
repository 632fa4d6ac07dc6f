"""`api.views`: records as response models (an order's status from its jobs, payable totals without the
cancelled lines, a job's links only for the files it has, progress only while rendering) and the
brand-scoped look-ups (another brand's order or job does not exist)."""

from __future__ import annotations

import pytest

from api.problems import Problem
from api.views import current_job, get_job, get_order, job_out, order_out, payable_totals
from tests.api.helpers import order_of_lines


@pytest.fixture
def placed(client, keys, photo) -> dict:
    return order_of_lines(client, keys, photo, quantities=(3, 1))


def test_look_ups_are_scoped_to_the_brand(services, placed):
    job_id = placed["items"][0]["job_id"]
    with services.sessions() as session:
        assert get_order(session, "myposter", placed["id"]).id == placed["id"]
        assert get_job(session, "myposter", job_id).item.order.id == placed["id"]
        for lookup, ident, code in ((get_order, placed["id"], "order-not-found"), (get_job, job_id, "job-not-found")):
            with pytest.raises(Problem) as missing:
                lookup(session, "kartenliebe", ident)
            assert (missing.value.status, missing.value.code) == (404, code)


def test_an_order_as_its_model_and_payable_totals_without_cancelled_lines(client, keys, services, placed):
    with services.sessions() as session:
        order = get_order(session, "myposter", placed["id"])
        assert payable_totals(order) == order.totals  # nothing cancelled: the quote as placed
        out = order_out(order)
        assert (out.status, [i.quantity for i in out.items]) == ("open", [3, 1])
        assert [i.state for i in out.items] == ["queued", "queued"] and not any(i.cancelled for i in out.items)
        assert out.items[0].gross == str(order.items[0].gross) and out.ordered_totals == order.totals
    second = placed["items"][1]
    client.post(f"/v1/orders/{placed['id']}/items/{second['id']}/cancel", json={"reason": "changed mind"},
                headers=keys["myposter", "shop"])
    with services.sessions() as session:
        order = get_order(session, "myposter", placed["id"])
        payable = payable_totals(order)
        assert [line["quantity"] for line in payable["lines"]] == [3]
        assert [line["quantity"] for line in order.totals["lines"]] == [3, 1]
        out = order_out(order)
        assert out.totals == payable and out.ordered_totals == order.totals
        assert [i.cancelled for i in out.items] == [False, True] and out.items[1].cancel_reason == "changed mind"
        assert out.items[1].state == "cancelled"


def test_a_jobs_links_and_progress(app, services, placed):
    from orders.states import JobState
    from records.models import Job

    job_id = placed["items"][0]["job_id"]
    with app.test_request_context(), services.sessions() as session:
        job = get_job(session, "myposter", job_id)
        assert current_job(job.item).id == job_id
        queued = job_out(job, services.catalogue, "loading", percent=10)
        assert queued.links.self == f"/v1/jobs/{job_id}" and queued.links.printfile is None
        assert (queued.progress, queued.progress_percent) == (None, None)  # only while rendering
        assert (queued.customer_name, queued.country, queued.printer) == ("Anna Muster", "DE", "poster-inkjet")
        job = session.get(Job, job_id)
        job.state, job.printfile_key = JobState.rendering.value, "myposter/x/printfile.pdf"
        rendering = job_out(job, services.catalogue, "loading", percent=10, with_report=False)
        assert (rendering.progress, rendering.progress_percent, rendering.report) == ("loading", 10, None)
        assert rendering.links.printfile == f"/v1/jobs/{job_id}/printfile"
        assert rendering.links.preview and rendering.links.report and rendering.links.overlay is None
        session.rollback()
