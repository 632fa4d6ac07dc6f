"""What every catalogue file shares: where the packaged data lives and the error that names a file."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


class CatalogueError(ValueError):
    """A catalogue data file is wrong; the message names the file and the field."""
