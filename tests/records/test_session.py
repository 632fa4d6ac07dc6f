"""`records.session`: SQLite engines get WAL, foreign keys and a busy timeout; sessions keep their
objects readable after the commit."""

from __future__ import annotations

from sqlalchemy import text

from records.session import make_engine, make_sessionmaker


def test_sqlite_engine_makes_its_folder_and_sets_the_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'deep' / 'down' / 'db.sqlite'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        assert (tmp_path / "deep" / "down" / "db.sqlite").exists()
    finally:
        engine.dispose()


def test_in_memory_sqlite_needs_no_folder():
    engine = make_engine("sqlite:///:memory:")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_postgresql_engine_pings_its_pool():
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # not connected until used
    assert engine.pool._pre_ping is True and engine.pool.size() == 5
    engine.dispose()


def test_sessions_do_not_expire_objects_on_commit(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    sessions = make_sessionmaker(engine)
    assert sessions.kw["expire_on_commit"] is False
    engine.dispose()
