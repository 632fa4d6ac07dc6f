"""The order module: item and order specs, job states, pricing and VAT, and their records.

Pure parts (spec, states, pricing, vat) import no Flask, Celery, SQL session or boto3; the
records live in `orders.db`.
"""
