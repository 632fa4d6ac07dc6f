"""Plain web pages for people: QA reviews previews and findings; production lists and downloads.

The pages are static; they ask once for an API key, keep it in the tab's sessionStorage and call
the JSON API with it, so the browser needs no cookies and no second way in.
"""

from __future__ import annotations

from pathlib import Path

from apiflask import APIBlueprint
from flask import Response

bp = APIBlueprint("pages", __name__, enable_openapi=False)
PAGES = Path(__file__).parent / "pages"


def _page(name: str) -> Response:
    return Response((PAGES / name).read_text(encoding="utf-8"), mimetype="text/html",
                    headers={"Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data: https: http:; "
                             "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'",
                             "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})


@bp.get("/")
@bp.get("/qa")
def qa_page() -> Response:
    return _page("qa.html")


@bp.get("/production")
def production_page() -> Response:
    return _page("production.html")
