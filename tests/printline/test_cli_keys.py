"""`printline keys`: create (with an expiry), list, revoke (the keys themselves: tests/api/test_keys.py; the
demo keys of `make run`: test_devserver.py)."""

from __future__ import annotations

import json
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
