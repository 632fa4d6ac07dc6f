"""`printline.logs`: structlog once per process — JSON lines (level, UTC time, bound context) or console
lines, filtered by level, written to whatever `sys.stderr` is at the time; chatty libraries at WARNING."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest
import structlog

from printline.logs import configure_logging

CHATTY = ("pyvips", "pikepdf", "botocore", "boto3", "urllib3", "s3transfer")


@pytest.fixture(autouse=True)
def _restore_logging():
    config = structlog.get_config()
    levels = {name: logging.getLogger(name).level for name in CHATTY}
    yield
    structlog.configure(**config)
    structlog.contextvars.clear_contextvars()
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_json_lines_carry_level_time_and_context(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    configure_logging("INFO", json_lines=True)
    structlog.contextvars.bind_contextvars(request_id="req-1")
    log = structlog.get_logger("logs-test-json")
    log.debug("hidden")
    log.info("shown", job_id="job_1")
    [line] = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert (entry["event"], entry["level"], entry["job_id"], entry["request_id"]) == ("shown", "info", "job_1", "req-1")
    assert entry["timestamp"].endswith("Z")


def test_the_stream_replaced_later_is_followed_and_the_level_filters(monkeypatch):
    configure_logging("warning", json_lines=False)
    log = structlog.get_logger("logs-test-console")
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)  # replaced after configure: still written to
    log.info("quiet")
    log.warning("loud", part="redis")
    text = stream.getvalue()
    assert "loud" in text and "part=redis" in text and "quiet" not in text
    assert not text.lstrip().startswith("{")  # console lines, not JSON


def test_chatty_libraries_are_kept_at_warning_or_above():
    configure_logging("DEBUG")
    assert all(logging.getLogger(name).level == logging.WARNING for name in CHATTY)
    configure_logging("ERROR")
    assert all(logging.getLogger(name).level == logging.ERROR for name in CHATTY)
