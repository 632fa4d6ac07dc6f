"""`vocab.findings`: the verdict is the worst severity, codes are kebab-case, messages fall back to English."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from vocab.findings import Finding, Message, Severity, Verdict, verdict


def _finding(severity: str, code: str = "low-ppi") -> Finding:
    return Finding(code=code, severity=severity, message=Message(en="x", de="y"))


@pytest.mark.parametrize(("severities", "expected"), [
    ([], Verdict.ok), (["info"], Verdict.ok), (["info", "warn"], Verdict.warn), (["warn", "fail", "info"], Verdict.fail),
])
def test_the_verdict_is_the_worst_severity(severities, expected):
    assert verdict(_finding(s) for s in severities) is expected


@pytest.mark.parametrize("code", ["Low-PPI", "low_ppi", "-low", "low--ppi", ""])
def test_codes_are_kebab_case(code):
    with pytest.raises(ValidationError):
        _finding(Severity.warn, code)


def test_messages_fall_back_to_english_and_are_frozen():
    message = Message(en="too small", de="zu klein", fr="trop petit")
    assert (message.get("fr"), message.get("de"), message.get("nl"), message.get("xx")) == (
        "trop petit", "zu klein", "too small", "too small")
    with pytest.raises(ValidationError):
        message.en = "other"


def test_finding_codes_are_kebab_case():
    message = Message(en="x", de="x")
    assert Finding(code="ink-coverage", severity=Severity.warn, message=message).code == "ink-coverage"
    with pytest.raises(ValidationError):
        Finding(code="ink_coverage", severity=Severity.warn, message=message)
