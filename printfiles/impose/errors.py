"""What can go wrong when imposing, as errors whose message a CLI can print as it is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class ImposeError(Exception):
    """The cards or the sheet cannot be imposed; the message says which and why."""


class MixedOutputError(ImposeError):
    """Cards of different output conditions asked to share sheets (they print on different stock)."""

    def __init__(self, by_condition: Mapping[str, Sequence[str]]) -> None:
        self.by_condition = {k: list(v) for k, v in by_condition.items()}
        parts = "; ".join(f"{cond}: {', '.join(names)}" for cond, names in sorted(self.by_condition.items()))
        super().__init__(f"cards of different output conditions cannot share a sheet ({parts})")
