"""`api.auth`: bearer keys say who calls (brand, role, sandbox), a role not allowed is 403, no or a wrong
key is 401 with a `WWW-Authenticate` challenge, and each key's rate limit is checked on every call (429
with Retry-After). Every route x role x brand: test_auth_routes.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.auth import roles


def test_roles_always_include_admin():
    assert roles("shop") == ["shop", "admin"]
    assert roles("production", "qa") == ["production", "qa", "admin"]
    assert roles() == ["admin"]


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer", "Basic dXNlcjpwdw=="],
                         ids=["none", "unknown-key", "empty", "other-scheme"])
def test_no_valid_key_is_401_with_a_bearer_challenge(client, header):
    response = client.get("/v1/orders", headers={"Authorization": header} if header else {})
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="printline"'


def test_a_role_not_allowed_is_403(client, keys):
    response = client.post("/v1/jobs/job_x/approve", json={}, headers=keys["myposter", "shop"])
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"
    assert response.get_json()["detail"] == "This API key's role may not do this."


def test_the_caller_is_the_keys_brand_and_role(client, services):
    from api.keys import create_key

    key_id, secret = create_key(services.sessions, brand="kartenliebe", role="qa", at=datetime.now(UTC),
                                with_id=True)
    me = client.get("/v1/whoami", headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert (me["brand"], me["role"], me["key_id"]) == ("kartenliebe", "qa", key_id)


def test_rate_limit_answers_429(client, keys, services):
    from api.ratelimit import MemoryRateLimiter

    services.rate_limiter = MemoryRateLimiter(per_minute=2, now=lambda: 600.0)  # one fixed window
    headers = keys["myposter", "shop"]
    codes = [client.get("/v1/orders", headers=headers).status_code for _ in range(3)]
    assert codes[:2] == [200, 200] and codes[2] == 429


def test_answers_carry_the_rate_limit(services, keys):
    from api.app import create_app
    from api.ratelimit import MemoryRateLimiter

    services.rate_limiter = MemoryRateLimiter(3)
    client = create_app(services).test_client()
    headers = keys["myposter", "shop"]
    seen = [client.get("/v1/orders", headers=headers) for _ in range(4)]
    assert [r.status_code for r in seen] == [200, 200, 200, 429]
    assert [r.headers["RateLimit-Remaining"] for r in seen] == ["2", "1", "0", "0"]
    assert all(r.headers["RateLimit-Limit"] == "3" and 0 < int(r.headers["RateLimit-Reset"]) <= 60 for r in seen)
    assert seen[-1].headers["Retry-After"] == seen[-1].headers["RateLimit-Reset"]


def test_each_key_has_its_own_rate_limit(client, keys, services):
    from api.ratelimit import MemoryRateLimiter

    services.rate_limiter = MemoryRateLimiter(per_minute=1, now=lambda: 600.0)
    assert client.get("/v1/orders", headers=keys["myposter", "shop"]).status_code == 200
    assert client.get("/v1/orders", headers=keys["myposter", "shop"]).status_code == 429
    assert client.get("/v1/orders", headers=keys["myposter", "admin"]).status_code == 200
    problem = client.get("/v1/orders", headers=keys["myposter", "shop"]).get_json()
    assert problem["code"] == "rate-limited"
