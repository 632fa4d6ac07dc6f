"""A real `printline api` process on an embedded SQLite database and local storage, with jobs put into
QA and production states through the lifecycle — for the browser tests and `make screenshots`.

Jobs for QA are real renders of small generated photos (the worker's own `run_render_job`, in this
process, with a recording queue), so the QA desk shows real previews, findings and zoom tiles; jobs for
production are real renders too, or stand-in files where a test only needs states.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tests import imagegen
from tests.conftest import RecordingQueue, free_port, order_body

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass
class Stack:
    base: str
    folder: Path
    services: object
    client: object  # a Flask test client on the same database and storage, for seeding
    keys: dict[str, str]
    process: subprocess.Popen
    log: Path
    photos: int = field(default=0)

    def header(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}

    def job(self, job_id: str) -> dict:
        return self.client.get(f"/v1/jobs/{job_id}", headers=self.header("qa")).get_json()

    def order(self, external_id: str, product: str = "poster-20x30", quantity: int = 1, *, name: str = "Anna Muster",
              country: str = "DE", size: tuple[int, int] = (600, 800)) -> str:
        """A shop's upload and order of one item; its job id (queued)."""
        self.photos += 1
        photo = imagegen.photo_jpeg(self.folder / f"photo-{self.photos}.jpg", *size)
        shop = self.header("shop")
        upload = self.client.post("/v1/uploads", data=photo.read_bytes(),
                                  headers={**shop, "Content-Type": "image/jpeg"}).get_json()
        body = order_body(upload["id"], external_id=external_id, product=product)
        body["items"][0]["quantity"] = quantity
        body["shipping_address"].update(name=name, country=country)
        if country != "DE":
            body["market"] = country if country in ("AT", "CH", "FR", "NL", "IT", "ES", "BE") else "DE"
            body["currency"] = "CHF" if country == "CH" else "EUR"
        response = self.client.post("/v1/orders", json=body, headers=shop)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["items"][0]["job_id"]

    def render(self, job_id: str) -> str:
        """The worker's real render of the job (in this process); the state it ends in."""
        from queues.render_job import run_render_job

        run_render_job(job_id, self.services)
        return self.job(job_id)["state"]

    def stand_in(self, job_id: str, verdict: str = "ok") -> None:
        """Rendered with small stand-in files through the worker's actions (no real render)."""
        from orders.lifecycle import Rendered

        assert not isinstance(self.services.lifecycle.claim_render(job_id), str)
        keys = {}
        for name, data in (("printfile", b"%PDF-1.6 stand-in"), ("preview", b"\xff\xd8jpeg"), ("report", b"{}")):
            keys[name] = f"myposter/test/{job_id}/{name}"
            self.services.storage.put_bytes(keys[name], data, content_type="application/octet-stream")
        assert self.services.lifecycle.finish_render(job_id, Rendered(report={"verdict": verdict, "findings": []},
                                                                      verdict=verdict, keys=keys))

    def act(self, action: str, job_id: str, role: str = "qa", **fields) -> None:
        from orders.lifecycle import Actor

        self.services.lifecycle.act(action, brand="myposter", job_id=job_id, actor=Actor(role, "seed"), **fields)

    def fail(self, job_id: str, reason: str = "The photo could not be read.") -> None:
        from orders.reasons import ReasonCode

        assert not isinstance(self.services.lifecycle.claim_render(job_id), str)
        self.services.lifecycle.fail_render(job_id, ReasonCode.image_problem, reason)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.services.engine.dispose()


def start(folder: Path) -> Stack:
    """Migrate, make keys, start `printline api` and wait until it is ready."""
    from api.app import create_app
    from api.keys import create_key
    from printline.services import build_services
    from printline.settings import Settings

    folder.mkdir(parents=True, exist_ok=True)
    var = folder / "var"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTLINE_")}
    env.update(PRINTLINE_VAR_DIR=str(var), PRINTLINE_API_PORT=str(port), PRINTLINE_LOG_LEVEL="WARNING",
               PRINTLINE_RATE_LIMIT_PER_MINUTE="0")
    cli = [sys.executable, "-m", "printline.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    services = build_services(Settings(var_dir=var, rate_limit_per_minute=0), queue=RecordingQueue())
    now = datetime.now(UTC)
    keys = {role: create_key(services.sessions, brand="myposter", role=role, at=now)
            for role in ("shop", "qa", "production")}
    log = folder / "api.log"
    process = subprocess.Popen([*cli, "api"], env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"printline api exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.time() > deadline:
            process.kill()
            raise RuntimeError(f"printline api did not become ready:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    return Stack(base=base, folder=folder, services=services, client=create_app(services).test_client(),
                 keys=keys, process=process, log=log)


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
