"""The one error the pure order code raises for bad customer input.

The API turns `OrderRejected` into a 422 problem+json that names `field` (a JSON path into the
order body, e.g. ``customer.vat_id`` or ``items[0].product``) so the shop can show it next to
the right input. The customer reads the refusal in their own language: the pure order code knows
no languages, so it names a stable `code` and the `values` of its sentence, and the API finds the
text `domain-{code}` in `api/locales` (tests/api/test_i18n_refusal_codes.py keeps the two in step).
"""

from __future__ import annotations


class OrderRejected(ValueError):
    """An order (or quote request) that cannot be priced as sent; says which field and what to do."""

    def __init__(self, field: str, message: str, *, code: str | None = None, **values: object) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message  # English; `code` and `values` let the API say it in the caller's language
        self.code, self.values = code, values

    def to_problem(self) -> dict[str, str]:
        """The `invalid_params` entry of a problem+json body."""
        return {"name": self.field, "reason": self.message}
