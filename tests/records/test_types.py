"""`records.types.UTCDateTime`: aware UTC in, aware UTC out, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select
from sqlalchemy.exc import StatementError

from records.session import make_engine
from records.types import UTCDateTime


@pytest.fixture
def table(database_url):
    metadata = MetaData()
    stamps = Table("test_utc_stamps", metadata, Column("id", Integer, primary_key=True),
                   Column("at", UTCDateTime()))
    engine = make_engine(database_url)
    metadata.create_all(engine)
    yield engine, stamps
    metadata.drop_all(engine)
    engine.dispose()


def test_an_aware_time_comes_back_as_the_same_instant_in_utc(table):
    engine, stamps = table
    berlin = datetime(2026, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=1)))
    with engine.begin() as conn:
        conn.execute(insert(stamps).values(id=1, at=berlin))
        conn.execute(insert(stamps).values(id=2, at=None))
    with engine.connect() as conn:
        rows = dict(conn.execute(select(stamps.c.id, stamps.c.at)).all())
    assert rows[1] == berlin and rows[1].tzinfo == UTC and rows[1].hour == 11
    assert rows[2] is None


def test_a_naive_time_is_refused(table):
    engine, stamps = table
    with pytest.raises(StatementError, match="naive datetime"), engine.begin() as conn:
        conn.execute(insert(stamps).values(id=1, at=datetime(2026, 3, 1, 12, 30)))


def test_a_naive_value_read_back_is_taken_as_utc():
    column = UTCDateTime()
    assert column.process_result_value(datetime(2026, 1, 2, 3, 4), None) == datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    plus2 = datetime(2026, 1, 2, 5, 4, tzinfo=timezone(timedelta(hours=2)))
    assert column.process_result_value(plus2, None).tzinfo == UTC
