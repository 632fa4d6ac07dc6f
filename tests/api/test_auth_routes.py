"""`api.auth` on every route: every route x role x brand, generated from the app's URL map.

`EXPECTED` says who may call each endpoint: the four roles of an API key (admin is always among the
allowed), or PUBLIC for the operators' and people's pages. The table must be complete: a route added
without a line here fails `test_every_route_has_a_rule`, so nobody ships an endpoint whose access was
never decided. Then each route is called anonymously and with a myposter key of every role, its path
parameters filled with *kartenliebe's* resources: a role not allowed gets 403, an allowed one never 401
or 403, and another brand's resource is 404 (never 200, never a hint that it exists).
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import order_body

PUBLIC = ("anonymous",)
ALL = ("shop", "production", "qa", "admin")
SHOP = ("shop", "admin")
PROD = ("production", "admin")
QA = ("qa", "admin")
EXPECTED: dict[str, tuple[str, ...]] = {
    "pages.qa_page": PUBLIC, "pages.production_page": PUBLIC, "pages.asset": PUBLIC, "static": PUBLIC,
    "openapi.docs": PUBLIC, "openapi.spec": PUBLIC, "openapi.swagger_ui_oauth_redirect": PUBLIC,
    "docs_assets.static": PUBLIC, "health.healthz": PUBLIC, "health.readyz": PUBLIC, "health.metrics": PUBLIC,
    "events.list_events": SHOP,
    "jobs.list_jobs": ALL, "jobs.get_job_view": ALL, "jobs.overlay": ALL, "jobs.preview": ALL,
    "jobs.printfile": ALL, "jobs.report": ALL,
    "jobs.approve": QA, "jobs.reject": QA,
    "jobs.printed": PROD, "jobs.reprint": PROD, "jobs.retry": PROD, "jobs.shipped": PROD,
    "proof.proof_manifest": ALL, "proof.proof_dzi": ALL, "proof.slot_dzi": ALL, "proof.slot_source": ALL,
    "proof.slot_tile": ALL, "proof.proof_tile": ALL,
    "orders.submit_order": SHOP, "orders.list_orders": ALL, "orders.read_order": ALL,
    "orders.cancel_order": SHOP, "orders.order_events": ALL, "orders.cancel_item": SHOP,
    "orders.replace_image": SHOP, "orders.packing_slip": ("shop", "production", "admin"),
    "production.bulk": PROD, "production.download": PROD, "production.whoami": ALL,
    "products.list_products": ALL, "products.get_product": ALL,
    "quotes.create_quote": SHOP,
    "sheets.request_sheet": PROD, "sheets.list_sheets": PROD, "sheets.get_sheet": PROD,
    "sheets.cancel_sheet": PROD, "sheets.sheet_file": PROD, "sheets.sheet_printed": PROD,
    "uploads.create_upload": SHOP, "uploads.read_upload": SHOP,
    "webhooks.create_webhook": SHOP, "webhooks.list_webhooks": SHOP, "webhooks.read_webhook": SHOP,
    "webhooks.delete_webhook": SHOP, "webhooks.list_deliveries": SHOP, "webhooks.redeliver": SHOP,
    "webhooks.rotate_secret": SHOP, "webhooks.test_webhook": SHOP,
}
BRAND_SCOPED = {"job_id", "order_id", "item_id", "webhook_id", "sheet_id", "upload_id", "delivery_id"}


def _routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_a_rule(app):
    missing = sorted({rule.endpoint for rule, _ in _routes(app)} - set(EXPECTED))
    stale = sorted(set(EXPECTED) - {rule.endpoint for rule, _ in _routes(app)})
    assert not missing, f"routes without an authorisation rule in EXPECTED: {missing}"
    assert not stale, f"rules for routes that no longer exist: {stale}"


def test_the_code_declares_what_the_table_says(app):
    for rule, _ in _routes(app):
        spec = getattr(app.view_functions[rule.endpoint], "_spec", {})
        declared = tuple(spec.get("roles") or ()) if spec.get("auth") else PUBLIC
        assert set(declared) == set(EXPECTED[rule.endpoint]), rule.endpoint


@pytest.fixture
def theirs(client, keys, services, photo) -> dict[str, str]:
    """Resources of kartenliebe, the other brand: an upload, an order with its item and job, a webhook
    (the order through the lifecycle, so this test does not depend on the order endpoint's checks)."""
    from sqlalchemy import select

    from records.models import Job, Webhook
    from orders.lifecycle import Actor
    from vocab.spec import OrderSpec

    shop = keys["kartenliebe", "shop"]
    upload = client.post("/v1/uploads", data=photo.read_bytes(),
                         headers={**shop, "Content-Type": "image/jpeg"}).get_json()
    spec = OrderSpec.model_validate(order_body(upload["id"], external_id="KL-1"))
    [job_id] = services.lifecycle.submit_order(brand="kartenliebe", spec=spec, idempotency_key=None,
                                               actor=Actor("shop", "test")).job_ids
    with services.sessions() as session:
        job = session.scalar(select(Job).where(Job.id == job_id))
        hook = Webhook(brand="kartenliebe", url="https://example.org/hook", events=["order.created"],
                       description="", secret="whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                       created_at=services.clock.now())
        session.add(hook)
        session.commit()
        ids = {"order_id": job.item.order_id, "item_id": job.item_id, "webhook_id": hook.id}
    return {"upload_id": upload["id"], **ids, "job_id": job_id, "sheet_id": "sht_theirs",
            "delivery_id": "1", "product_id": "poster-20x30", "name": "qa.js", "filename": "x.css",
            "slot": "0", "level": "0", "col": "0", "row": "0", "path": "x"}


def _path(rule, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: values[m.group(1)], rule.rule)


def test_every_route_for_every_role_and_the_other_brand(app, client, keys, theirs):
    wrong: list[str] = []
    for rule, method in _routes(app):
        allowed = EXPECTED[rule.endpoint]
        path = _path(rule, theirs)
        scoped = bool(set(rule.arguments) & BRAND_SCOPED)
        for role in ("anonymous", *ALL):
            headers = {} if role == "anonymous" else keys["myposter", role]
            body = {} if method in ("POST", "PUT", "PATCH") else None
            status = client.open(path, method=method, json=body, headers=headers).status_code
            if allowed == PUBLIC:
                ok = status not in (401, 403) and status < 500
            elif role == "anonymous":
                ok = status == 401
            elif role not in allowed:
                ok = status == 403
            elif scoped:
                ok = status == 404 or (method != "GET" and status in (400, 422))
            else:
                ok = status not in (401, 403) and status < 500
            if not ok:
                wrong.append(f"{method} {path} as {role}: {status}")
    assert not wrong, "\n".join(wrong)
