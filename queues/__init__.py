"""Celery glue: tasks get a job id, load what they need, call render → printfiles → storage, record."""
