"""Problem documents (their language: test_i18n.py): one field-path style, bodies that may be omitted,
malformed JSON and unknown query parameters as 400s, rate-limit headers, the offline docs."""

from __future__ import annotations


def test_malformed_json_is_a_400_that_says_where(client, keys):
    response = client.post("/v1/quotes", data='{\n  "market": "DE",\n  oops\n}',
                           headers={**keys["myposter", "shop"], "Content-Type": "application/json"})
    problem = response.get_json()
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert problem["code"] == "invalid-json" and (problem["line"], problem["column"]) == (3, 3)
    assert "line 3, column 3" in problem["detail"]


def test_an_omitted_optional_body_is_no_body_error(client, keys):
    headers = keys["myposter", "qa"]
    for data in (None, b"", b"  "):
        response = client.post("/v1/jobs/job_nope/approve", data=data, headers=headers)
        assert response.status_code == 404 and response.get_json()["code"] == "job-not-found"
    reject = client.post("/v1/jobs/job_nope/reject", headers=headers)  # `reason` is required there
    assert reject.status_code == 422 and reject.get_json()["errors"] == [{"field": "reason", "message": "Required."}]


def test_unknown_and_repeated_query_parameters(client, keys):
    headers = keys["myposter", "production"]
    unknown = client.get("/v1/jobs?stat=approved", headers=headers)
    assert unknown.status_code == 400 and unknown.get_json()["errors"][0]["field"] == "stat"
    assert client.get("/v1/jobs?state=approved&state=printed", headers=headers).status_code == 200
    assert client.get("/v1/jobs?printer=a&printer=b", headers=headers).status_code == 422
    assert client.get("/v1/jobs?created_after=1700000000", headers=headers).status_code == 422


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


def test_docs_need_nothing_from_outside(client):
    page = client.get("/docs").get_data(as_text=True)
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"):
        assert f'"/docs-assets/{asset}"' in page
        assert client.get(f"/docs-assets/{asset}").status_code == 200
    assert "cdn." not in page and "apiflask.com" not in page
