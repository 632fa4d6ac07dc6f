"""Alembic environment: runs migrations online against the configured URL."""

from alembic import context

from records.models import Base
from records.session import make_engine

config = context.config
engine = make_engine(config.get_main_option("sqlalchemy.url"))
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
