"""Preflight findings and the verdict, in one format for the render report and the PDF preflight."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

CODE_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Severity(StrEnum):
    info = "info"
    warn = "warn"
    fail = "fail"


class Verdict(StrEnum):
    ok = "ok"
    warn = "warn"
    fail = "fail"


class Message(BaseModel):
    """The finding's text per language (vocab/locales/*.toml, `vocab.texts.message`); en and de
    were the first two and stay required, the others are filled for every finding made now."""

    model_config = ConfigDict(frozen=True)
    en: str
    de: str
    fr: str | None = None
    it: str | None = None
    es: str | None = None
    nl: str | None = None

    def get(self, language: str) -> str:
        """The text in `language`, English when there is none."""
        return getattr(self, language, None) or self.en


class Finding(BaseModel):
    """One thing preflight measured: a code, how bad, the value, the product's threshold, and why.

    `page` and `slot` name where in a multi-slot item it was found (the page's and the photo slot's
    names from the catalogue, set by `printfiles.build.build_item`); None for a finding about the
    whole file or a single render."""

    model_config = ConfigDict(frozen=True)
    code: str = Field(pattern=CODE_PATTERN)  # kebab-case in render and PDF preflight: "low-ppi", "page-size"
    severity: Severity
    measured: float | str | None = None
    threshold: float | str | None = None
    message: Message
    page: str | None = None
    slot: str | None = None


def verdict(findings: Iterable[Finding]) -> Verdict:
    """fail if any finding fails, warn if any warns, else ok."""
    severities = {f.severity for f in findings}
    if Severity.fail in severities:
        return Verdict.fail
    if Severity.warn in severities:
        return Verdict.warn
    return Verdict.ok
