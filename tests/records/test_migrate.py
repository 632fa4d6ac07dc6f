"""`records.migrate`: Alembic from code. Up to head, down to base and up again on SQLite, and the
migrations make exactly the tables the models describe (autogenerate finds no difference)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from records.migrate import MIGRATIONS, alembic_config, downgrade, upgrade
from records.models import Base
from records.session import make_engine


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_and_upgrade_again_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrate.sqlite'}"
    upgrade(url)
    assert _tables(url) == set(Base.metadata.tables)
    downgrade(url, "base")
    assert _tables(url) == set()
    upgrade(url)
    assert _tables(url) == set(Base.metadata.tables)


def test_models_and_migrations_agree(database_url):
    engine = make_engine(database_url)  # migrated to head by the fixture
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_the_config_points_at_the_migrations_and_escapes_percent_signs():
    config = alembic_config("postgresql+psycopg://u:p%40ss@db/x")
    assert config.get_main_option("script_location") == str(MIGRATIONS)
    assert config.get_main_option("sqlalchemy.url") == "postgresql+psycopg://u:p%40ss@db/x"
