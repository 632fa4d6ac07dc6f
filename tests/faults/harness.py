"""A full stack of real `printline api` and `printline worker` processes for fault tests, with chosen
services behind a `Proxy` the test controls, and the tally every fault test prints and asserts:
**lost** jobs (gone, or done without their print file), **duplicate** print files (more than one finish
or more than one PDF per job), **stuck** jobs (still `queued`/`rendering` when the test gives up).

Orders are submitted through the lifecycle in the test process (exactly what the API's order view
does, with the same broker and database URLs as the processes), uploads through the real API; renders
use tiny photos on `poster-20x30` (~3 s each on 2 cores), so a test runs a handful of jobs in well
under a minute.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, select

from records.models import Event, Job
from tests import imagegen
from tests.conftest import CLI, Http, _wait_ready, order_body, stack_env
from tests.faults.proxy import Proxy

ACTIVE = ("queued", "rendering")
DONE = ("rendered", "approved", "qa_pending")
FAST = {"PRINTLINE_HEARTBEAT_SECONDS": "1", "PRINTLINE_STALE_CLAIM_SECONDS": "6",
        "PRINTLINE_RETRY_BACKOFF_CAP_SECONDS": "4", "PRINTLINE_RELAY_INTERVAL_SECONDS": "0.2"}
URL_VARS = {"postgres": "PRINTLINE_DATABASE_URL", "rabbitmq": "PRINTLINE_BROKER_URL",
            "redis": "PRINTLINE_REDIS_URL", "s3": "PRINTLINE_S3_ENDPOINT_URL"}


@dataclass
class Tally:
    lost: int
    duplicates: int
    stuck: int
    states: dict[str, int]

    def show(self, name: str) -> str:
        line = (f"[fault] {name}: lost={self.lost} duplicate_printfiles={self.duplicates} stuck={self.stuck} "
                f"states={self.states}")
        print(line)
        return line


def _through(url: str, proxy: Proxy) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


def _settings(env: dict[str, str]):
    from printline.settings import Settings

    return Settings(**{k[len("PRINTLINE_"):].lower(): v for k, v in env.items()
                                       if k.startswith("PRINTLINE_")})


class FaultStack:
    """`printline api` + `printline worker` on the full stack; `via` puts services behind proxies."""

    def __init__(self, request, tmp_path: Path, *, via: tuple[str, ...] = (), **extra: str) -> None:
        self.tmp_path = tmp_path
        self.direct = stack_env(request, tmp_path, "full-stack", **{**FAST, **extra})
        self.env = dict(self.direct)
        self.proxies: dict[str, Proxy] = {}
        for name in via:
            url = self.direct[URL_VARS[name]]
            parts = urlsplit(url)
            self.proxies[name] = proxy = Proxy(parts.hostname, parts.port)
            self.env[URL_VARS[name]] = _through(url, proxy)
        subprocess.run([*CLI, "db", "upgrade"], env=self.direct, check=True, capture_output=True)
        created = subprocess.run([*CLI, "keys", "create", "--brand", "myposter", "--role", "admin"],
                                 env=self.direct, check=True, capture_output=True, text=True)
        self.key = created.stdout.strip().splitlines()[-1]
        self.http = Http(f"http://127.0.0.1:{self.env['PRINTLINE_API_PORT']}", self.key)
        from printline.services import build_services

        self.settings = _settings(self.direct)
        self.inspect = build_services(self.settings)  # the test's own view: direct connections
        self.submitter = build_services(_settings(self.env))  # publishes like the API: through the proxies
        self.api: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self._workers = 0

    # ------------------------------------------------------------------ processes

    def start(self, *, worker: bool = True) -> FaultStack:
        log = (self.tmp_path / "api.log").open("w")
        self.api = subprocess.Popen([*CLI, "api"], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        if worker:
            self.start_worker()
        _wait_ready(self.http.base, [self.api], [self.tmp_path / "api.log"])
        return self

    def start_worker(self) -> None:
        self._workers += 1
        log = (self.tmp_path / f"worker-{self._workers}.log").open("w")
        self.worker = subprocess.Popen([*CLI, "worker"], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)  # its own group: pool children and relay

    def kill_worker(self) -> None:
        """SIGKILL the worker, its pool children and its relay at once (no clean shutdown, no acks)."""
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=10)

    def worker_log(self) -> str:
        return "\n".join((self.tmp_path / f"worker-{n}.log").read_text()[-3000:]
                         for n in range(1, self._workers + 1))

    def close(self) -> None:
        for process in (self.api, self.worker):
            if process is not None and process.poll() is None:
                process.terminate()
        for process in (self.api, self.worker):
            if process is not None:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        if self.worker is not None:
            try:
                os.killpg(self.worker.pid, signal.SIGKILL)  # pool children and relay, if any are left
            except ProcessLookupError:
                pass
        for proxy in self.proxies.values():
            proxy.close()
        for services in (self.inspect, self.submitter):
            services.relay.close()
            services.engine.dispose()

    # ------------------------------------------------------------------ work

    def upload(self, name: str = "photo", size: tuple[int, int] = (240, 360)) -> str:
        photo = imagegen.photo_jpeg(self.tmp_path / f"{name}.jpg", *size)
        status, _, body = self.http.call("POST", "/v1/uploads", photo.read_bytes(), "image/jpeg")
        assert status in (200, 201), (status, body[:300])  # 200: the same photo was uploaded before
        import json

        return json.loads(body)["id"]

    def submit(self, count: int, *, upload_id: str | None = None, prefix: str = "F",
               product: str = "poster-20x30") -> list[str]:
        """`count` one-item orders (a small poster unless told); their job ids."""
        from orders.lifecycle import Actor
        from vocab.spec import OrderSpec

        upload_id = upload_id or self.upload()
        jobs: list[str] = []
        for n in range(count):
            spec = OrderSpec.model_validate(order_body(upload_id, external_id=f"{prefix}-{n}-{time.time_ns()}",
                                                       product=product))
            jobs += self.submitter.lifecycle.submit_order(brand="myposter", spec=spec, idempotency_key=None,
                                                          actor=Actor("shop", "fault-test")).job_ids
        return jobs

    def states(self, jobs: list[str]) -> dict[str, str]:
        with self.inspect.sessions() as session:
            return dict(session.execute(select(Job.id, Job.state).where(Job.id.in_(jobs))).all())

    def wait_state(self, jobs: list[str], states: tuple[str, ...], timeout: float = 30) -> str | None:
        """The first job seen in one of `states` (polling every 20 ms), None after `timeout`."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for job_id, state in self.states(jobs).items():
                if state in states:
                    return job_id
            time.sleep(0.02)
        return None

    def settle(self, jobs: list[str], timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline and any(s in ACTIVE for s in self.states(jobs).values()):
            time.sleep(0.25)

    def tally(self, jobs: list[str]) -> Tally:
        states = self.states(jobs)
        with self.inspect.sessions() as session:
            finishes = dict(session.execute(select(Event.job_id, func.count()).where(
                Event.job_id.in_(jobs), Event.to_state == "rendered").group_by(Event.job_id)).all())
            keys = dict(session.execute(select(Job.id, Job.printfile_key).where(Job.id.in_(jobs))).all())
        storage = self.inspect.storage
        lost = len(set(jobs) - set(states))
        duplicates = sum(max(n - 1, 0) for n in finishes.values())
        for job_id, state in states.items():
            if state in DONE:
                key = keys[job_id]
                if not key or not storage.exists(key):
                    lost += 1
                    continue
                folder = storage.object_key(key).rsplit("/", 1)[0] + "/"
                listed = storage.client.list_objects_v2(Bucket=storage.bucket, Prefix=folder)
                duplicates += max(sum(o["Key"].endswith(".pdf") for o in listed.get("Contents", [])) - 1, 0)
        counted: dict[str, int] = {}
        for state in states.values():
            counted[state] = counted.get(state, 0) + 1
        return Tally(lost=lost, duplicates=duplicates, stuck=sum(s in ACTIVE for s in states.values()),
                     states=counted)
