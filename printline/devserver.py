"""`printline run`: the whole service on one laptop — migrate, print demo keys, then the API and one
worker as two child processes until Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

from printline.settings import Settings

DEMO_BRAND = "myposter"
ROLES = ("shop", "production", "qa", "admin")
DEMO_KEYS = "demo-keys.json"


def demo_keys(settings: Settings, sessions, now: datetime) -> tuple[dict[str, str], bool]:
    """The demo keys of `var/demo-keys.json` that still work (live, right brand and role), new ones for
    the rest; the file rewritten (mode 0600) when anything changed. Also whether all were reused."""
    from api.keys import create_key, find_key

    path = settings.var_dir / DEMO_KEYS
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = {}
    keys: dict[str, str] = {}
    with sessions() as session:
        for role in ROLES:
            secret = stored.get(role) if isinstance(stored, dict) else None
            key = find_key(session, secret, now) if isinstance(secret, str) else None
            if key is not None and key.brand == DEMO_BRAND and key.role == role:
                keys[role] = secret
    reused = len(keys) == len(ROLES)
    for role in ROLES:
        if role not in keys:
            keys[role] = create_key(sessions, brand=DEMO_BRAND, role=role, at=now, label="make run")
    if keys != stored:
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(keys, fh, indent=2)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    return keys, reused


def run_embedded(settings: Settings) -> int:
    from records.migrate import upgrade
    from records.session import make_engine, make_sessionmaker

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    sessions = make_sessionmaker(engine)
    now = datetime.now(UTC)
    keys, reused = demo_keys(settings, sessions, now)
    engine.dispose()

    base = f"http://{settings.api_host}:{settings.api_port}"
    print("\nPrintline on embedded defaults")
    print(f"  database  {settings.effective_database_url}")
    print(f"  storage   {settings.effective_storage_url}")
    print(f"  broker    {settings.effective_broker_url} ({settings.broker_folder})" if settings.embedded
          else f"  broker    {settings.broker_url}")
    print(f"  API       {base}   docs {base}/docs   QA {base}/qa   production {base}/production")
    where = settings.var_dir / DEMO_KEYS
    print(f"\nAPI keys for brand {DEMO_BRAND} ({'the same as last time' if reused else 'new'}; kept in {where}):")
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
