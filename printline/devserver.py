"""`printline run`: the whole service on one laptop — migrate, print demo keys, then the API and one
worker as two child processes until Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

from printline.settings import Settings

DEMO_BRAND = "myposter"
ROLES = ("shop", "production", "qa", "admin")


def run_embedded(settings: Settings) -> int:
    from api.keys import create_key
    from orders.db.migrate import upgrade
    from orders.db.session import make_engine, make_sessionmaker

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    sessions = make_sessionmaker(engine)
    now = datetime.now(UTC)
    keys = {role: create_key(sessions, brand=DEMO_BRAND, role=role, at=now, label="make run") for role in ROLES}
    engine.dispose()

    base = f"http://{settings.api_host}:{settings.api_port}"
    print("\nPrintline on embedded defaults")
    print(f"  database  {settings.effective_database_url}")
    print(f"  storage   {settings.effective_storage_url}")
    print(f"  broker    {settings.effective_broker_url} ({settings.broker_folder})" if settings.embedded
          else f"  broker    {settings.broker_url}")
    print(f"  API       {base}   docs {base}/docs   QA {base}/qa   production {base}/production")
    print(f"\nAPI keys for brand {DEMO_BRAND} (new ones each start):")
    for role, secret in keys.items():
        print(f"  {role:11} {secret}")
    print(f"\nTry:\n  curl -H 'Authorization: Bearer {keys['shop']}' -H 'Content-Type: image/jpeg' "
          f"--data-binary @photo.jpg {base}/v1/uploads\n\nCtrl-C stops.\n", flush=True)

    env = {**os.environ, "PRINTLINE_VAR_DIR": str(settings.var_dir)}
    children = [subprocess.Popen([sys.executable, "-m", "printline.cli", name], env=env) for name in ("api", "worker")]
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("a child process stopped; stopping the other", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        deadline = time.time() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                child.kill()
