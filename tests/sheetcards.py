"""Approved card jobs with real card print files, for the press sheet tests (API and worker).

The print files are built once per session by the real `build_item` on small generated photos (as the
imposition tests do); a job goes through the worker's claim and finish with one of them as its print file
(verdict ok: approved without QA).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pikepdf

from orders.lifecycle import Rendered
from storage.keys import printfile_key
from tests.conftest import order_body
from tests.printfiles.impose_cards import card_file, placements


def build_card_pdfs(tmp_path_factory) -> dict[str, Path]:
    """A flat and a folded A6 card print file (built once per session; use them read-only)."""
    from profiles.catalogue import load_catalogue

    catalogue, root = load_catalogue(), tmp_path_factory.mktemp("sheet-cards")
    return {p: card_file(catalogue, p, root) for p in ("card-a6-flat", "card-a6-folded")}


def card_order(client, keys, photo, *, quantity: int = 1, product: str = "card-a6-flat",
               external_id: str = "KL-2026-1", brand: str = "kartenliebe") -> dict:
    shop = keys[brand, "shop"]
    upload = client.post("/v1/uploads", data=photo.read_bytes(), headers={**shop, "Content-Type": "image/jpeg"})
    body = order_body(upload.get_json()["id"], external_id=external_id, product=product)
    body["items"][0]["quantity"] = quantity
    response = client.post("/v1/orders", json=body, headers=shop)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def render_with(services, job_id: str, pdf: Path, verdict: str = "ok") -> None:
    """Through the worker's actions, with `pdf` as the stored print file."""
    claim = services.lifecycle.claim_render(job_id)
    assert not isinstance(claim, str)
    key = printfile_key(claim.brand, claim.order_id, claim.item_id, claim.version)
    services.storage.put_file(key, pdf, content_type="application/pdf")
    keys = {"printfile": key, "preview": key, "report": key}
    assert services.lifecycle.finish_render(job_id, Rendered(report={"verdict": verdict, "findings": []},
                                                             verdict=verdict, keys=keys))


def approved_card(client, keys, photo, services, pdf: Path, **kwargs) -> str:
    job_id = card_order(client, keys, photo, **kwargs)["items"][0]["job_id"]
    render_with(services, job_id, pdf)
    return job_id


def copies_per_card(pdf_path: Path) -> list[int]:
    """How many copies of each card the sheets carry: `Do`s of each card's front form on the front pages."""
    with pikepdf.open(pdf_path) as pdf:
        forms = Counter(use.form.objgen for page in pdf.pages[0::2] for use in placements(page))
    return sorted(forms.values())
