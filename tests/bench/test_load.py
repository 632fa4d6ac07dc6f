"""bench/load.py's core on the embedded stack, small: 2 clients x 3 s against real `printline api`.

Keeps the load bench runnable (it is not run by CI otherwise) and shows the intake path takes
concurrent checkouts without a single error: every upload, quote, order and read answers 2xx.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "load.py"


def _load_module():
    """bench/ is scripts, not a package: import load.py from its path."""
    spec = importlib.util.spec_from_file_location("bench_load", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_embedded_intake_under_light_load_has_no_errors():
    load = _load_module()
    started = time.monotonic()
    result = load.bench_stack("embedded", clients=2, seconds=3, worker=False)
    assert time.monotonic() - started < 30
    assert result.error_count == 0, dict(result.errors)
    endpoints = {endpoint for endpoint, _ in result.samples}
    assert endpoints == {"upload", "quote", "order", "read order", "read job"}
    assert result.requests == len(result.samples) >= 20  # several whole checkouts in 3 s
    assert 3 <= result.seconds < 3 + 30
    assert result.cpu["api"] > 0
    assert "| embedded | 2 |" in load.table([result])
