"""Bearer API keys: who calls (brand + role), whether the role may, and how often."""

from __future__ import annotations

from apiflask import HTTPTokenAuth
from flask import g

from api.context import Caller, services
from api.keys import find_key, touch
from api.problems import Problem, problem_response

bearer = HTTPTokenAuth(scheme="Bearer", description="An API key of one brand and one role "
                       "(shop, production, qa, admin); `printline keys create` makes one.")


@bearer.verify_token
def _verify(token: str) -> Caller | None:
    if not token:
        return None
    svc = services()
    now = svc.clock.now()
    with svc.sessions() as session:
        key = find_key(session, token, now)  # revoked and expired keys are refused alike
        if key is None:
            return None
        who = Caller(key_id=key.id, brand=key.brand, role=key.role, sandbox=bool(key.sandbox))
        touch(session, key, now)
    g.rate = decision = svc.rate_limiter.check(who.key_id)
    if not decision.allowed:
        raise Problem(429, "rate-limited", f"Too many requests for this API key; slow down (try again in "
                      f"{decision.reset} s).", values={"reset": decision.reset},
                      headers={"Retry-After": str(decision.reset)})
    g.caller = who
    return who


@bearer.get_user_roles
def _roles(user: Caller) -> list[str]:
    return [user.role]


@bearer.error_processor
def _auth_error(error):
    if error.status_code == 403:
        return problem_response(403, "forbidden", "This API key's role may not do this.")
    if error.status_code != 401:  # e.g. a malformed Authorization header
        return problem_response(error.status_code, "bad-request", error.message or "Bad request")
    return problem_response(401, "unauthorized", "Send a valid API key as `Authorization: Bearer <key>`.",
                            headers={"WWW-Authenticate": 'Bearer realm="printline"'})


def roles(*names: str) -> list[str]:
    """The roles allowed, admin always among them."""
    return [*names, "admin"]
