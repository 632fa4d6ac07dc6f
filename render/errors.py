"""Errors in the customer's input that a person can fix (bad image, crop, layout, text)."""

from __future__ import annotations


class RenderError(ValueError):
    """The customer's input cannot be rendered; the message says what is wrong and what to do."""


class InputRefused(RenderError):
    """The file is refused before decoding (format, size, bands, damage); `code` is a stable reason
    the API reports as its problem code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
