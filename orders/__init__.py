"""Order rules: states and their transition table, validation, pricing, VAT, money, the packing slip,
and the lifecycle actions that change state.

The pure parts (states, pricing, vat, money) import no Flask, Celery, SQL session or boto3; the
database records they are stored in live in the `records` package.
"""
