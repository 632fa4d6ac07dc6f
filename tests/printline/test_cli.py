"""The `printline` command: products, keys (render: test_render_cmd.py, test_render_cmd_batch.py)."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import select

from printline.cli import main

CLI = [sys.executable, "-m", "printline.cli"]


def test_products_lists_every_catalogue_id(capsys):
    from profiles.catalogue import load_catalogue

    assert main(["products"]) == 0
    listed = {line.split()[0] for line in capsys.readouterr().out.splitlines()}
    assert listed == set(load_catalogue().products)
    assert {"poster-50x70", "canvas-120x80", "card-a6-folded", "invitation-din-long"} <= listed


def test_keys_create_prints_the_key_alone_on_the_last_line_and_stores_only_its_hash(tmp_path):
    env = {"PRINTLINE_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([*CLI, "keys", "create", "--brand", "kartenliebe", "--role", "qa"], env=env,
                          capture_output=True, text=True, check=True)
    secret = done.stdout.strip().splitlines()[-1]
    assert secret.startswith("pl_") and " " not in secret and len(secret) > 40
    from api.keys import find_key, hash_secret
    from records.session import make_engine, make_sessionmaker

    sessions = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'printline.sqlite'}"))
    with sessions() as session:
        key = find_key(session, secret)
        assert (key.brand, key.role, key.secret_hash) == ("kartenliebe", "qa", hash_secret(secret))
        from records.models import ApiKey

        assert secret not in str([tuple(r) for r in session.execute(select(ApiKey.__table__))])
