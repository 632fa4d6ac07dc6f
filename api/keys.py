"""API keys: random secrets shown once, stored only as SHA-256 (they are long and random, so a
fast hash suffices), each bound to one brand and one role."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from records.models import ApiKey

ROLES = ("shop", "production", "qa", "admin")
PREFIX = "pl_"
LAST_USED_EVERY = timedelta(minutes=1)  # `last_used_at` is written at most this often per key


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(sessions: sessionmaker[Session], *, brand: str, role: str, at: datetime, label: str = "",
               expires_at: datetime | None = None, with_id: bool = False,
               sandbox: bool = False) -> str | tuple[str, str]:
    """Store a new key and return its secret (the only time it exists in clear); with `with_id`,
    (key id, secret). A `sandbox` key's orders render but never enter production."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if expires_at is not None and expires_at <= at:
        raise ValueError("the expiry must lie in the future")
    secret = PREFIX + secrets.token_urlsafe(32)
    with sessions() as session:
        key = ApiKey(brand=brand, role=role, secret_hash=hash_secret(secret), label=label, created_at=at,
                     expires_at=expires_at, sandbox=sandbox)
        session.add(key)
        session.commit()
        key_id = key.id
    return (key_id, secret) if with_id else secret


def is_live(key: ApiKey, now: datetime) -> bool:
    """Neither revoked nor expired at `now`."""
    return key.revoked_at is None and (key.expires_at is None or key.expires_at > now)


def find_key(session: Session, secret: str, now: datetime | None = None) -> ApiKey | None:
    """The live key with this secret (not revoked, not expired at `now`), or None."""
    key = session.scalar(select(ApiKey).where(ApiKey.secret_hash == hash_secret(secret)))
    if key is None or not is_live(key, now or datetime.now(UTC)):
        return None
    return key


def touch(session: Session, key: ApiKey, now: datetime) -> None:
    """Record the use of `key`, at most once per LAST_USED_EVERY (a conditional UPDATE, so parallel
    requests write it once)."""
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_EVERY:
        return
    stale = ApiKey.last_used_at.is_(None) | (ApiKey.last_used_at <= now - LAST_USED_EVERY)
    session.execute(update(ApiKey).where(ApiKey.id == key.id, stale).values(last_used_at=now)
                    .execution_options(synchronize_session=False))
    session.commit()


def list_keys(sessions: sessionmaker[Session], brand: str | None = None) -> list[ApiKey]:
    with sessions() as session:
        stmt = select(ApiKey).order_by(ApiKey.brand, ApiKey.created_at, ApiKey.id)
        if brand:
            stmt = stmt.where(ApiKey.brand == brand)
        keys = session.scalars(stmt).all()
        session.expunge_all()
        return list(keys)


def revoke_key(sessions: sessionmaker[Session], key_id: str, at: datetime) -> bool:
    """Revoke a key; False when there is no such key. Revoking twice keeps the first time."""
    with sessions() as session:
        key = session.get(ApiKey, key_id)
        if key is None:
            return False
        if key.revoked_at is None:
            key.revoked_at = at
            session.commit()
        return True
