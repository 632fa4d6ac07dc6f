"""API keys over their life: expiry, last use (throttled), `keys list` / `keys revoke`, and the demo
keys that `make run` keeps in var/ and shows again."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta

import pytest

from printline.cli import main


@pytest.fixture
def var(tmp_path, monkeypatch):
    monkeypatch.setenv("PRINTLINE_VAR_DIR", str(tmp_path))
    return tmp_path


def _sessions(var):
    from records.session import make_engine, make_sessionmaker

    return make_sessionmaker(make_engine(f"sqlite:///{var / 'printline.sqlite'}"))


def test_create_list_revoke(var, capsys):
    assert main(["keys", "create", "--brand", "myposter", "--role", "shop", "--label", "shop A",
                 "--expires-in", "30"]) == 0
    out = capsys.readouterr().out.splitlines()
    key_id = out[0].split()[2]
    assert key_id.startswith("key_") and "expires" in out[0]
    assert main(["keys", "list", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["id"] == key_id and listed["label"] == "shop A" and listed["revoked_at"] == "-"
    expires = datetime.fromisoformat(listed["expires_at"])
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)
    assert main(["keys", "revoke", key_id]) == 0
    assert capsys.readouterr().out.strip() == f"revoked {key_id}"
    assert main(["keys", "list"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:4] == ["ID", "BRAND", "ROLE", "CREATED"] and key_id in table[-1]
    assert main(["keys", "revoke", "key_nope"]) == 1
    assert main(["keys", "create", "--brand", "myposter", "--role", "shop", "--expires-at",
                 "2001-01-01T00:00:00Z"]) == 2


def test_expired_and_revoked_keys_are_refused_and_use_is_recorded_once_a_minute(services, client):
    from api.keys import create_key, revoke_key
    from records.models import ApiKey

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


def test_demo_keys_are_kept_and_shown_again(tmp_path):
    from records.migrate import upgrade
    from records.session import make_engine, make_sessionmaker
    from printline.devserver import DEMO_KEYS, demo_keys
    from printline.settings import Settings

    settings = Settings(var_dir=tmp_path)
    tmp_path.mkdir(exist_ok=True)
    upgrade(settings.effective_database_url)
    sessions = make_sessionmaker(make_engine(settings.effective_database_url))
    now = datetime.now(UTC)
    first, reused = demo_keys(settings, sessions, now)
    assert not reused and set(first) == {"shop", "production", "qa", "admin"}
    path = tmp_path / DEMO_KEYS
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and json.loads(path.read_text()) == first
    again, reused = demo_keys(settings, sessions, now)
    assert reused and again == first
    from api.keys import find_key, revoke_key

    with sessions() as session:
        shop_id = find_key(session, first["shop"]).id
    revoke_key(sessions, shop_id, now)
    third, reused = demo_keys(settings, sessions, now)
    assert not reused and third["shop"] != first["shop"] and third["qa"] == first["qa"]
