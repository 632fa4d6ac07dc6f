"""Plain web pages for people: QA reviews previews and findings; production lists and downloads.

The pages are static (HTML, scripts and styles under `api/pages/`, nothing from outside); they ask once
for an API key in an in-page form, check its role with `GET /v1/whoami`, keep it in the tab's
sessionStorage and call the JSON API with it, so the browser needs no cookies and no second way in.
"""

from __future__ import annotations

from pathlib import Path

from apiflask import APIBlueprint
from flask import Response, abort

bp = APIBlueprint("pages", __name__, enable_openapi=False)
PAGES = Path(__file__).parent / "pages"


HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; "
           "script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
ASSETS = {".js": "text/javascript", ".css": "text/css"}


def _page(name: str) -> Response:
    return Response((PAGES / name).read_text(encoding="utf-8"), mimetype="text/html", headers=HEADERS)


@bp.get("/pages/<name>")
def asset(name: str) -> Response:
    """The pages' scripts and style sheets (files next to the HTML; nothing from outside)."""
    path = PAGES / name
    kind = ASSETS.get(path.suffix)
    if kind is None or "/" in name or name.startswith(".") or not path.is_file():
        abort(404)
    return Response(path.read_text(encoding="utf-8"), mimetype=kind,
                    headers={**HEADERS, "Cache-Control": "no-cache"})


@bp.get("/")
@bp.get("/qa")
def qa_page() -> Response:
    return _page("qa.html")


@bp.get("/production")
def production_page() -> Response:
    return _page("production.html")
