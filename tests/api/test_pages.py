"""`api.pages`: the people's pages (QA desk at `/` and `/qa`, production floor at `/production`) and their
scripts and styles, served from the package with a strict content security policy; nothing else under
`/pages/`."""

from __future__ import annotations

import re

import pytest

from api.pages import PAGES


def test_pages_are_served(client):
    for path in ("/qa", "/production"):
        response = client.get(path)
        assert response.status_code == 200
        scripts = re.findall(rb'<script src="(/pages/[\w.-]+\.js)"', response.data)
        assert scripts  # the page's code is served from the package, never inline or from outside
        for src in scripts:
            asset = client.get(src.decode())
            assert asset.status_code == 200 and "javascript" in asset.headers["Content-Type"]
        policy = response.headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[-1].split(";")[0]


def test_the_root_is_the_qa_desk_and_each_page_is_its_file(client):
    assert client.get("/").data == client.get("/qa").data == (PAGES / "qa.html").read_bytes()
    assert client.get("/production").data == (PAGES / "production.html").read_bytes()
    for path in ("/", "/production"):
        response = client.get(path)
        assert response.mimetype == "text/html"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_style_sheets_are_served_as_css_and_revalidated(client):
    sheets = sorted(p.name for p in PAGES.glob("*.css"))
    assert sheets
    for name in sheets:
        response = client.get(f"/pages/{name}")
        assert response.status_code == 200 and response.mimetype == "text/css"
        assert response.headers["Cache-Control"] == "no-cache"
        assert response.get_data(as_text=True) == (PAGES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["qa.html", "nothing.js", ".hidden.js", "..%2Fpages.py", "%2E%2E%2Fapp.py"])
def test_nothing_but_the_pages_scripts_and_styles(client, name):
    response = client.get(f"/pages/{name}")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
