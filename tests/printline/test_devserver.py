"""`printline.devserver`: the demo keys `make run` prints are kept in var/demo-keys.json (mode 0600) and
shown again while they work; a revoked, foreign or unreadable one is replaced, the others kept."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime

import pytest

from printline.devserver import DEMO_BRAND, DEMO_KEYS, ROLES, demo_keys
from printline.settings import Settings


@pytest.fixture
def embedded(tmp_path):
    from records.migrate import upgrade
    from records.session import make_engine, make_sessionmaker

    settings = Settings(var_dir=tmp_path)
    upgrade(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    yield settings, make_sessionmaker(engine)
    engine.dispose()


def test_an_unreadable_file_gives_new_keys_for_every_role(embedded):
    settings, sessions = embedded
    (settings.var_dir / DEMO_KEYS).write_text("{not json")
    keys, reused = demo_keys(settings, sessions, datetime.now(UTC))
    assert not reused and set(keys) == set(ROLES)
    assert json.loads((settings.var_dir / DEMO_KEYS).read_text()) == keys


def test_a_key_of_another_brand_or_role_is_not_reused(embedded):
    from api.keys import create_key, find_key

    settings, sessions = embedded
    now = datetime.now(UTC)
    first, _ = demo_keys(settings, sessions, now)
    foreign = create_key(sessions, brand="kartenliebe", role="shop", at=now)
    stored = {**first, "shop": foreign, "qa": first["admin"]}
    (settings.var_dir / DEMO_KEYS).write_text(json.dumps(stored))
    keys, reused = demo_keys(settings, sessions, now)
    assert not reused and keys["shop"] not in (foreign, first["shop"]) and keys["qa"] != first["admin"]
    assert keys["production"] == first["production"] and keys["admin"] == first["admin"]
    with sessions() as session:
        for role, secret in keys.items():
            key = find_key(session, secret, now)
            assert (key.brand, key.role, key.label) == (DEMO_BRAND, role, "make run")


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
