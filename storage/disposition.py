"""`Content-Disposition: attachment` values (RFC 6266) that survive any file name.

The plain `filename=` is an ASCII fallback for old clients; `filename*=` (RFC 8187, UTF-8) carries
the real name when it is not ASCII. The value itself is always ASCII, so it fits an HTTP header and
S3 object metadata.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE_ASCII = re.compile(r'[^A-Za-z0-9 !#$&+,.\-;=@^_`{}~()\[\]]')


def clean_filename(filename: str) -> str:
    """The name without folders or control characters; ValueError if nothing usable is left."""
    name = _CONTROL.sub("", filename.replace("\\", "/")).split("/")[-1].strip()
    if not name or name in {".", ".."}:
        raise ValueError(f"download file name {filename!r} is empty once folders are removed; give a plain name")
    return name


def ascii_fallback(filename: str) -> str:
    """An ASCII look-alike of the name: accents dropped, anything else replaced by `_`."""
    decomposed = unicodedata.normalize("NFKD", filename)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _UNSAFE_ASCII.sub("_", plain) or "download"


def content_disposition(filename: str) -> str:
    """`attachment; filename="..."` plus `filename*=UTF-8''...` when the name is not plain ASCII."""
    name = clean_filename(filename)
    fallback = ascii_fallback(name)
    value = f'attachment; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value
