"""The caller's language for problem documents: `Accept-Language` (q-values honoured) picks one of
the supported languages, English when none fits; texts come from `api/locales/{lang}.toml`.

Each catalogue has three tables: `title` (by HTTP status), `detail` (by problem code, with
`{placeholders}`) and `error` (field messages: by pydantic error type, with its context values,
and `domain-{code}` for the refusals of the order and render code, with the values they carry).
A key missing in one language falls back to English; one missing in English is a KeyError.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from flask import has_request_context, request

FOLDER = Path(__file__).parent / "locales"
LANGUAGES = ("en", "de", "fr", "it", "es", "nl")
DEFAULT = "en"


@cache
def catalogue(language: str) -> dict[str, dict[str, str]]:
    with (FOLDER / f"{language}.toml").open("rb") as fh:
        return tomllib.load(fh)


def language() -> str:
    """The best supported language of the current request's `Accept-Language` (`de-CH` counts as
    `de`), or English."""
    if not has_request_context():
        return DEFAULT
    best, best_q = DEFAULT, 0.0
    for tag, q in request.accept_languages:  # werkzeug's parser: sorted by q, `q=0` dropped
        primary = tag.split("-")[0].split("_")[0].lower()
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
        elif tag == "*" and q > best_q:
            best, best_q = DEFAULT, q
    return best


def has(table: str, key: str) -> bool:
    return key in catalogue(DEFAULT).get(table, {})


def text(table: str, key: str, lang: str | None = None, **values: Any) -> str:
    """`table.key` in `lang` (default: the request's), formatted with `values`."""
    lang = lang or language()
    template = catalogue(lang).get(table, {}).get(key)
    if template is None:
        template = catalogue(DEFAULT)[table][key]
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return catalogue(DEFAULT)[table][key].format_map(_Blank(values))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def title(status: int, lang: str | None = None) -> str:
    key = str(status)
    return text("title", key if has("title", key) else "error", lang)


def detail(code: str, fallback: str, lang: str | None = None, **values: Any) -> str:
    """The problem's detail in the caller's language, or `fallback` (English) when the catalogue has
    no text for `code` (or the text needs values that were not given)."""
    if not has("detail", code):
        return fallback
    try:
        return catalogue(lang or language()).get("detail", {}).get(code, catalogue(DEFAULT)["detail"][code]
                                                                    ).format(**values)
    except (KeyError, IndexError, ValueError):
        return fallback


def refusal(code: str | None, fallback: str, lang: str | None = None, **values: Any) -> str:
    """A refusal of the order code (`FieldError`, `OrderRejected`) in the caller's language: the
    `[error]` text `domain-{code}`, filled with the raiser's `values`.

    `fallback` is the raiser's own English sentence. It is said when the catalogue has no text for
    the code, or when a text needs a value the raiser did not give: a customer is better served by
    a whole English sentence than by a translated one with holes in it."""
    key = f"domain-{code}"
    if not code or not has("error", key):
        return fallback
    said = catalogue(lang or language()).get("error", {}).get(key)
    for template in (said, catalogue(DEFAULT)["error"][key]):
        if template is None:
            continue
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            continue
    return fallback


def _expected(ctx: dict[str, Any]) -> str:
    return str(ctx.get("expected", "")).replace("'", "")


def field_message(error: dict[str, Any], lang: str | None = None) -> str:
    """A pydantic error (`{type, loc, msg, ctx}`) as a sentence in the caller's language."""
    kind = error.get("type", "")
    ctx = {k: v for k, v in (error.get("ctx") or {}).items()}
    if "expected" in ctx:
        ctx["expected"] = _expected(ctx)
    if kind == "value_error" or not has("error", kind):
        message = str(error.get("msg", ""))
        return message.removeprefix("Value error, ")
    return text("error", kind, lang, **ctx)


def field_path(loc: tuple | list) -> str:
    """pydantic's `('items', 0, 'quantity')` as `items[0].quantity`, the one style of the API."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
