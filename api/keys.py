"""API keys: random secrets shown once, stored only as SHA-256 (they are long and random, so a
fast hash suffices), each bound to one brand and one role."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from orders.db.models import ApiKey

ROLES = ("shop", "production", "qa", "admin")
PREFIX = "pl_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(sessions: sessionmaker[Session], *, brand: str, role: str, at: datetime, label: str = "") -> str:
    """Store a new key and return its secret (the only time it exists in clear)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    secret = PREFIX + secrets.token_urlsafe(32)
    with sessions() as session:
        session.add(ApiKey(brand=brand, role=role, secret_hash=hash_secret(secret), label=label, created_at=at))
        session.commit()
    return secret


def find_key(session: Session, secret: str) -> ApiKey | None:
    """The live key with this secret, or None."""
    key = session.scalar(select(ApiKey).where(ApiKey.secret_hash == hash_secret(secret)))
    if key is None or key.revoked_at is not None:
        return None
    return key
