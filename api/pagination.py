"""Cursor pagination for the lists: `cursor` in, `next` out. A cursor is opaque to the caller
(base64url of JSON `[sort key, id]` of the last row shown); the next page starts after that row in
the list's order, so rows added meanwhile are neither skipped nor repeated. A cursor this API did
not give out is a 400."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from api.problems import Problem

CURSOR = Field(None, max_length=500, description="`next` of the previous page; omit for the first page. "
               "A cursor this API did not give out is a 422.")


def _iso(value: Any) -> Any:
    """Only ISO 8601 text (pydantic would also take a number of seconds)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("iso_time", "Must be a date and time (ISO 8601).")


IsoTime = Annotated[AwareDatetime, BeforeValidator(_iso)]
CREATED_AFTER = Field(None, description="Only those created at or after this time (ISO 8601 with time zone).")
CREATED_BEFORE = Field(None, description="Only those created before this time (ISO 8601 with time zone).")
# A product or printer id in a filter has the catalogue's form (profiles.catalogue.Product.id): text of
# another form names nothing and is refused as 400, not answered with an empty page.
ProfileId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]


def encode(key: Any, row_id: Any) -> str:
    if isinstance(key, datetime):
        key = key.isoformat()
    raw = json.dumps([key, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, *, as_datetime: bool = False) -> tuple[Any, Any]:
    """The (sort key, id) of a cursor; a 400 problem when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, row_id = json.loads(raw)
        if as_datetime:
            key = datetime.fromisoformat(key)
            if key.tzinfo is None:
                raise ValueError("naive")
        if not isinstance(row_id, (str, int)):
            raise ValueError("id")
        return key, row_id
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise invalid() from exc


def invalid() -> Problem:
    return Problem(422, "invalid-cursor", "The cursor is not one this API gave out; start again without it.",
                   errors=[{"field": "cursor", "message": "invalid"}])


def page(rows: list[Any], limit: int, key) -> tuple[list[Any], str | None]:
    """The first `limit` of `rows` (fetched `limit + 1`) and the cursor of the next page, if any."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode(*key(last))
