"""Output ICC profiles the catalogue may name, with the printing condition each stands for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ICC_DIR = Path(__file__).parent / "icc"


@dataclass(frozen=True)
class OutputProfile:
    """A registered printing condition and the ICC file that characterises it."""

    id: str
    path: Path
    condition_identifier: str  # PDF/X OutputConditionIdentifier
    condition: str  # human-readable OutputCondition
    registry: str
    total_ink_limit: float  # percent

    def data(self) -> bytes:
        return self.path.read_bytes()


OUTPUT_PROFILES: dict[str, OutputProfile] = {
    "FOGRA39": OutputProfile(
        id="FOGRA39",
        path=ICC_DIR / "FOGRA39L_coated.icc",
        condition_identifier="FOGRA39",
        condition="Offset commercial and specialty printing according to ISO 12647-2:2004/Amd 1, "
        "paper type 1 or 2 (coated), 115 g/m2, screen frequency 60/cm",
        registry="http://www.color.org",
        total_ink_limit=300.0,
    ),
    "FOGRA47": OutputProfile(
        id="FOGRA47",
        path=ICC_DIR / "FOGRA47L_uncoated.icc",
        condition_identifier="FOGRA47",
        condition="Offset commercial and specialty printing according to ISO 12647-2:2004/Amd 1, "
        "paper type 5 (uncoated white), screen frequency 60/cm",
        registry="http://www.color.org",
        total_ink_limit=300.0,
    ),
}


def output_profile(profile_id: str) -> OutputProfile:
    """The output profile of that id; KeyError names the known ones."""
    try:
        return OUTPUT_PROFILES[profile_id]
    except KeyError:
        raise KeyError(f"unknown output profile {profile_id!r}; known: {sorted(OUTPUT_PROFILES)}") from None
