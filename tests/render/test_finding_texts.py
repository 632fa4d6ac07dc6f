"""The findings' texts in six languages (vocab/locales/*.toml): every code the checks emit has a
text in every language, with the same placeholders as the English one, and every text formats."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from vocab.findings import CODE_PATTERN, Finding, Severity
from vocab.texts import LANGUAGES, finding, finding_text, message, texts

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["render/preflight.py", "render/report.py", *sorted(
    str(p.relative_to(ROOT)) for p in (ROOT / "printfiles" / "preflight").glob("*.py"))]


def _fields(template: str) -> dict[str, str]:
    """Placeholder name -> format spec."""
    return {name: spec for _, name, spec, _ in string.Formatter().parse(template) if name is not None}


def _sample(spec: str) -> object:
    return 12.5 if spec and spec[-1] in "fgde%" else "X"


def _emitted() -> set[tuple[str, str]]:
    """(code, variant) of every finding the checks make: the string arguments of finding(), info()
    and _broken() calls in the render and PDF preflight sources."""
    found = set()
    for name in SOURCES:
        for node in ast.walk(ast.parse((ROOT / name).read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if func not in ("finding", "info", "_broken"):
                continue
            args = [a for a in node.args if isinstance(a, ast.Constant | ast.IfExp)]
            strings = [[a.value] if isinstance(a, ast.Constant) else [a.body.value, a.orelse.value] for a in args
                       if not isinstance(a, ast.Constant) or isinstance(a.value, str)]
            if not strings:
                continue
            code = strings[0][0]
            for variant in strings[1] if len(strings) > 1 and func != "info" else ["text"]:
                found.add((code, variant))
    return found


def test_the_checks_emit_codes_that_all_have_texts():
    emitted = _emitted()
    assert len(emitted) >= 36  # every message once written inline in the checks
    english = texts("en")
    missing = [f"{c}.{v}" for c, v in emitted if v not in english.get(c, {})]
    assert not missing, missing
    unused = [f"{c}.{v}" for c, vs in english.items() for v in vs if (c, v) not in emitted]
    assert not unused, unused


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_text_with_the_same_placeholders(language):
    english, other = texts("en"), texts(language)
    assert set(other) == set(english)
    for code, variants in english.items():
        assert set(other[code]) == set(variants), code
        for variant, template in variants.items():
            assert _fields(other[code][variant]) == _fields(template), f"{language}: {code}.{variant}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_formats(language):
    import re

    for code, variants in texts(language).items():
        assert re.match(CODE_PATTERN, code)
        for variant, template in variants.items():
            values = {name: _sample(spec) for name, spec in _fields(template).items()}
            text = finding_text(code, language, variant, **values)
            assert text and "{" not in text and "}" not in text, f"{code}.{variant}"


def test_a_finding_carries_its_message_in_six_languages_and_english_stays_first():
    made = finding("low-ppi", Severity.warn, "warn", measured=120.4, threshold=150)
    assert made.message.en == "The photo has 120 ppi at print size (below 150); it may look soft."
    assert made.message.de.startswith("Das Foto hat im Druck 120 ppi")
    assert all(made.message.get(language) for language in LANGUAGES)
    assert made.message.get("pt") == made.message.en  # no such language: English
    data = made.model_dump(mode="json")
    assert set(data["message"]) == set(LANGUAGES) and data["page"] is None and data["slot"] is None
    # a report written before the six languages still reads
    old = {"code": "low-ppi", "severity": "warn", "measured": 1, "threshold": 2, "message": {"en": "a", "de": "b"}}
    assert Finding.model_validate(old).message.get("fr") == "a"


def test_a_missing_text_is_a_key_error_not_english():
    with pytest.raises(KeyError, match="no-such-code"):
        message("no-such-code")
    with pytest.raises(KeyError, match="language"):
        finding_text("low-ppi", "pt", "warn", value=1, threshold=2)
