"""The order records: SQLAlchemy 2 models, sessions and the Alembic migrations."""
