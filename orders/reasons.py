"""Why a job failed, was rejected or cancelled: a stable code and a message a person can act on, in
the reader's language (texts in `orders/locales`). Exception text and server paths never go here; they
go to the log with the job id."""

from __future__ import annotations

from enum import StrEnum

from orders.locales import LANGUAGES, text


class ReasonCode(StrEnum):
    image_problem = "image-problem"  # the customer's file or layout; `reason` says what exactly
    source_missing = "source-missing"
    attempts_exhausted = "attempts-exhausted"
    internal_error = "internal-error"
    cancelled = "cancelled"
    rejected = "rejected"


def message(code: str, language: str = "en") -> str:
    """The text of a reason code in `language` (en when the language is not one of ours)."""
    return text(f"reason_{code.replace('-', '_')}", language if language in LANGUAGES else "en")


def messages(code: str) -> dict[str, str]:
    """The text of a reason code in every language, for webhooks and JSON (the reader picks)."""
    return {language: message(code, language) for language in LANGUAGES}
