"""Errors in the customer's input that a person can fix (bad image, crop, layout, text)."""

from __future__ import annotations


class RenderError(ValueError):
    """The customer's input cannot be rendered; the message says what is wrong and what to do."""
