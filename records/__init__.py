"""The database records of every table (keys, uploads, orders, jobs, events, outbox, webhooks,
sheets): SQLAlchemy 2 models, sessions, the outbox writer and the Alembic migrations.

Apart from the order rules (`orders/`) so that the rules read as rules and a table's home is
obvious; it imports only `vocab`.
"""
