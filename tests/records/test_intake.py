"""`records.intake`: one order per Idempotency-Key and per external_id; the same body again gives the
first order back, another body is a conflict naming the field; the lines keep their prices."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from records import intake
from records.session import make_engine, make_sessionmaker
from tests.conftest import order_body
from vocab.spec import OrderSpec

AT = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def _spec(**overrides) -> OrderSpec:
    return OrderSpec.model_validate(order_body("upl_1", **overrides))


@pytest.fixture
def sessions(database_url):
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


class _Quote:
    def __init__(self) -> None:
        self.lines = [SimpleNamespace(unit_price=Decimal("20.00"), net=Decimal("16.81"), vat_rate=Decimal("0.19"),
                                      vat=Decimal("3.19"), gross=Decimal("20.00"))]

    def model_dump(self, *, mode: str) -> dict:
        return {"total": "20.00", "mode": mode}


def test_request_hash_depends_on_the_content_only():
    body = order_body("upl_1")
    reordered = dict(reversed(list(body.items())))
    assert intake.request_hash(OrderSpec.model_validate(body)) == intake.request_hash(
        OrderSpec.model_validate(reordered))
    assert intake.request_hash(_spec()) != intake.request_hash(_spec(external_id="MP-other"))


def test_order_rows_keep_the_sold_price_and_the_basis():
    spec = _spec(customer={"type": "b2b", "company": "ACME", "vat_id": "DE123456789"})
    order = intake.order_rows(spec, _Quote(), brand="myposter", idempotency_key="k1",
                              digest=intake.request_hash(spec), at=AT)
    (item,) = order.items
    assert (order.brand, order.external_id, order.customer_type, order.totals) == (
        "myposter", "MP-2026-000123", "b2b", {"total": "20.00", "mode": "json"})
    assert (item.unit_price, item.vat, item.gross, item.price_basis, item.current_version) == (
        Decimal("20.00"), Decimal("3.19"), Decimal("20.00"), "net", 1)
    unpriced = intake.order_rows(_spec(), None, brand="myposter", idempotency_key=None, digest="d", at=AT)
    assert unpriced.totals is None and unpriced.items[0].unit_price is None


def test_existing_order_by_key_then_by_external_id_and_replay(sessions):
    spec = _spec()
    digest = intake.request_hash(spec)
    with sessions() as session:
        session.add(intake.order_rows(spec, None, brand="myposter", idempotency_key="k1", digest=digest, at=AT))
        session.commit()
    with sessions() as session:
        by_key, field = intake.existing_order(session, "myposter", "k1", "whatever")
        assert field == "Idempotency-Key" and by_key.external_id == spec.external_id
        by_id, field = intake.existing_order(session, "myposter", "k-new", spec.external_id)
        assert field == "external_id" and by_id.id == by_key.id
        assert intake.existing_order(session, "kartenliebe", "k1", spec.external_id) == (None, "external_id")
        again = intake.replay(by_key, "Idempotency-Key", digest)
        assert (again.order_id, again.created, again.job_ids) == (by_key.id, False, [])
        with pytest.raises(intake.IntakeConflict, match="Idempotency-Key was used") as conflict:
            intake.replay(by_key, "Idempotency-Key", "another digest")
        assert (conflict.value.field, conflict.value.order_id) == ("Idempotency-Key", by_key.id)
        with pytest.raises(intake.IntakeConflict, match="external_id 'MP-2026-000123' exists"):
            intake.replay(by_id, "external_id", "another digest")
