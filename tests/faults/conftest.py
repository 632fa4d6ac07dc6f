"""Fault tests: real processes on the full stack, one fault each (see harness.py)."""

from __future__ import annotations

import pytest

from tests.faults.harness import FaultStack


@pytest.fixture
def fault_stack(request, tmp_path):
    """`fault_stack(via=("s3",), **env)` builds (and later closes) a FaultStack."""
    made: list[FaultStack] = []

    def make(**kwargs) -> FaultStack:
        made.append(FaultStack(request, tmp_path, **kwargs))
        return made[-1]

    yield make
    for stack in made:
        stack.close()
