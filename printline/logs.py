"""structlog set up once per process: console lines on a laptop, JSON lines in production.

The offline commands (`printline render`, `preflight`, `impose`, `products`) print their own
lines and log nothing through structlog: they set up only the standard library's logging, and
structlog is not imported (with the rich it picks up for tracebacks it is ~0.08 s and ~18 MB of a
one-off render's start-up, measured with `-X importtime` and /proc/self/statm)."""

from __future__ import annotations

import logging
import sys


class _CurrentStderr:
    """Writes to whatever `sys.stderr` is at the time, so a replaced stream (tests, daemons) is followed."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(level: str = "INFO", json_lines: bool = False, *, structured: bool = True) -> None:
    """The standard library's logging (chatty libraries at WARNING or above) and, when
    `structured`, structlog as the services log."""
    logging.basicConfig(level=level.upper(), stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for chatty in ("pyvips", "pikepdf", "botocore", "boto3", "urllib3", "s3transfer"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, logging.getLevelName(level.upper())))
    if structured:
        _configure_structlog(level, json_lines)


def _configure_structlog(level: str, json_lines: bool) -> None:
    import structlog

    processors = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,
    ]
    renderer = structlog.processors.JSONRenderer() if json_lines else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(processors=[*processors, renderer],
                        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
                        logger_factory=structlog.PrintLoggerFactory(_CurrentStderr()), cache_logger_on_first_use=True)
