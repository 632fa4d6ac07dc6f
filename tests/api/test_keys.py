"""`api.keys`: secrets shown once and stored only as their SHA-256, one brand and role each; expiry and
revocation; last use written at most once a minute; the list per brand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.keys import (LAST_USED_EVERY, PREFIX, create_key, find_key, hash_secret, is_live, list_keys, revoke_key,
                      touch)
from records.models import ApiKey

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def test_a_secret_is_random_and_stored_only_as_its_hash(services):
    key_id, secret = create_key(services.sessions, brand="myposter", role="shop", at=NOW, with_id=True,
                                label="shop A")
    other = create_key(services.sessions, brand="myposter", role="shop", at=NOW)
    assert secret.startswith(PREFIX) and len(secret) > 40 and other != secret
    with services.sessions() as session:
        stored = session.get(ApiKey, key_id)
        assert stored.secret_hash == hash_secret(secret) and secret not in repr(vars(stored))
        assert (stored.brand, stored.role, stored.label) == ("myposter", "shop", "shop A")
        assert find_key(session, secret, NOW).id == key_id
        assert find_key(session, secret + "x", NOW) is None


def test_a_key_needs_a_known_role_and_an_expiry_in_the_future(services):
    with pytest.raises(ValueError, match="unknown role"):
        create_key(services.sessions, brand="myposter", role="root", at=NOW)
    for expires in (NOW, NOW - timedelta(seconds=1)):
        with pytest.raises(ValueError, match="future"):
            create_key(services.sessions, brand="myposter", role="shop", at=NOW, expires_at=expires)


def test_expired_and_revoked_keys_are_not_found(services):
    key_id, secret = create_key(services.sessions, brand="myposter", role="qa", at=NOW, with_id=True,
                                expires_at=NOW + timedelta(hours=1))
    with services.sessions() as session:
        key = session.get(ApiKey, key_id)
        assert is_live(key, NOW) and not is_live(key, NOW + timedelta(hours=1))
        assert find_key(session, secret, NOW + timedelta(minutes=59)) is not None
        assert find_key(session, secret, NOW + timedelta(hours=2)) is None
    assert revoke_key(services.sessions, key_id, NOW + timedelta(minutes=5))
    assert revoke_key(services.sessions, key_id, NOW + timedelta(minutes=9))  # twice: the first time stays
    assert not revoke_key(services.sessions, "key_nope", NOW)
    with services.sessions() as session:
        assert session.get(ApiKey, key_id).revoked_at.replace(tzinfo=UTC) == NOW + timedelta(minutes=5)
        assert find_key(session, secret, NOW + timedelta(minutes=6)) is None


def test_use_is_written_at_most_once_a_minute(services):
    key_id, secret = create_key(services.sessions, brand="myposter", role="shop", at=NOW, with_id=True)

    def used_at(at: datetime) -> datetime | None:
        with services.sessions() as session:
            touch(session, find_key(session, secret, at), at)
        with services.sessions() as session:
            value = session.get(ApiKey, key_id).last_used_at
            return value.replace(tzinfo=UTC) if value is not None else None

    assert used_at(NOW) == NOW
    assert used_at(NOW + LAST_USED_EVERY - timedelta(seconds=1)) == NOW
    assert used_at(NOW + LAST_USED_EVERY) == NOW + LAST_USED_EVERY


def test_keys_are_listed_per_brand_oldest_first(services):
    late = create_key(services.sessions, brand="myposter", role="admin", at=NOW + timedelta(days=1), with_id=True)
    early = create_key(services.sessions, brand="myposter", role="shop", at=NOW, with_id=True)
    theirs = create_key(services.sessions, brand="kartenliebe", role="shop", at=NOW, with_id=True)
    assert [k.id for k in list_keys(services.sessions, "myposter")] == [early[0], late[0]]
    assert [k.id for k in list_keys(services.sessions)] == [theirs[0], early[0], late[0]]
    assert list_keys(services.sessions, "nobody") == []


def test_expired_and_revoked_keys_are_refused_and_use_is_recorded_once_a_minute(services, client):
    now = datetime.now(UTC)
    live_id, live = create_key(services.sessions, brand="myposter", role="shop", at=now, with_id=True,
                               expires_at=now + timedelta(hours=1))
    old_id, old = create_key(services.sessions, brand="myposter", role="shop", at=now - timedelta(days=2),
                             expires_at=now - timedelta(days=1), with_id=True)
    gone_id, gone = create_key(services.sessions, brand="myposter", role="shop", at=now, with_id=True)
    revoke_key(services.sessions, gone_id, now)
    assert client.get("/v1/orders", headers={"Authorization": f"Bearer {live}"}).status_code == 200
    for secret in (old, gone):
        assert client.get("/v1/orders", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    with services.sessions() as session:
        first = session.get(ApiKey, live_id).last_used_at
        assert first is not None and session.get(ApiKey, old_id).last_used_at is None
    client.get("/v1/orders", headers={"Authorization": f"Bearer {live}"})
    with services.sessions() as session:
        assert session.get(ApiKey, live_id).last_used_at == first  # not written again within the minute
