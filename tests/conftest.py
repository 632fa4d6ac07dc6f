"""Service fixtures for the whole suite: PostgreSQL, Redis, RabbitMQ, S3 (moto server) and tools.

An integration test that needs a service skips with a clear message when it is unreachable,
except under CI=true, where it fails instead. The same goes for the outside tools the tests read
print files with (qpdf, poppler-utils, ghostscript, liblcms2-utils).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import imagegen

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

PG_HOST, PG_PORT = "127.0.0.1", 5432
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
AMQP_HOST, AMQP_PORT = "127.0.0.1", 5672
TOOL_PACKAGES = {"qpdf": "qpdf", "pdfinfo": "poppler-utils", "pdftoppm": "poppler-utils",
                 "pdfimages": "poppler-utils", "pdffonts": "poppler-utils", "pdftotext": "poppler-utils",
                 "gs": "ghostscript", "transicc": "liblcms2-utils", "tificc": "liblcms2-utils"}


def unavailable(what: str) -> None:
    """Skip (laptop) or fail (CI) because a service or tool is missing."""
    if IN_CI:
        pytest.fail(f"{what} (CI=true: integration parts must be present)")
    pytest.skip(what)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    if not _reachable(host, port):
        unavailable(f"{name} is not reachable at {host}:{port}")


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        unavailable(f"{name} is not installed (Debian package {TOOL_PACKAGES.get(name, name)})")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def tool():
    """`tool("qpdf")` gives the tool's path, or skips/fails as above."""
    return require_tool


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    require_service("PostgreSQL", PG_HOST, PG_PORT)
    import psycopg

    name = f"printline_test_{uuid.uuid4().hex[:10]}"
    admin = f"host={PG_HOST} port={PG_PORT} user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def redis_url() -> str:
    require_service("Redis", REDIS_HOST, REDIS_PORT)
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/15"


@pytest.fixture(scope="session")
def amqp_url() -> str:
    require_service("RabbitMQ", AMQP_HOST, AMQP_PORT)
    return f"amqp://guest:guest@{AMQP_HOST}:{AMQP_PORT}//"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's S3 server on a free local port, reached by boto3 over HTTP like a real S3."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(autouse=True, scope="session")
def _aws_test_credentials() -> None:
    """Dummy credentials so boto3 signs requests to the moto server; never real ones."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")


@pytest.fixture
def s3_bucket(moto_endpoint: str) -> str:
    """A new, empty bucket on the moto server; its name."""
    import boto3

    name = f"printline-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=moto_endpoint, region_name="eu-central-1").create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    return name


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    """A small sRGB JPEG photo made on the fly (600 x 800, portrait)."""
    return imagegen.photo_jpeg(tmp_path / "photo.jpg", 600, 800)


# -- storage backends (brief S) ---------------------------------------------------------------

TEST_MULTIPART_THRESHOLD = 5 * 1024 * 1024  # S3's and moto's smallest part, so big-file tests stay small


@pytest.fixture
def local_storage(tmp_path: Path):
    """A LocalStorage on a fresh folder (`file://` URL through the factory)."""
    from storage import open_storage

    return open_storage((tmp_path / "blobs").as_uri())


@pytest.fixture
def s3_storage(moto_endpoint: str, s3_bucket: str):
    """An S3Storage on a fresh moto bucket under prefix `t`, multipart above 5 MiB."""
    from storage import open_storage

    return open_storage(f"s3://{s3_bucket}/t", endpoint_url=moto_endpoint, region="eu-central-1",
                        multipart_threshold=TEST_MULTIPART_THRESHOLD)


# ---------------------------------------------------------------- database, services, API client

class RecordingQueue:
    """Stands in for the broker in API tests: remembers what would have been sent."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.slips: list[str] = []
        self.sheets: list[str] = []

    def send(self, job_id: str) -> None:
        self.sent.append(job_id)

    def send_slip(self, order_id: str) -> None:
        self.slips.append(order_id)

    def send_sheet(self, sheet_id: str) -> None:
        self.sheets.append(sheet_id)

    def check(self) -> None:
        return None


@pytest.fixture(scope="session")
def migrated_postgres_url(postgres_url: str) -> str:
    from records.migrate import upgrade

    upgrade(postgres_url)
    return postgres_url


def _truncate(url: str) -> None:
    from sqlalchemy import text

    from records.models import Base
    from records.session import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path) -> str:
    """The same tests on SQLite (embedded default) and PostgreSQL (full stack), migrated by Alembic."""
    if request.param == "sqlite":
        from records.migrate import upgrade

        url = f"sqlite:///{tmp_path / 'printline.sqlite'}"
        upgrade(url)
        return url
    url = request.getfixturevalue("migrated_postgres_url")
    _truncate(url)
    return url


@pytest.fixture
def settings(tmp_path: Path, database_url: str):
    from printline.settings import Settings

    return Settings(var_dir=tmp_path / "var", database_url=database_url, rate_limit_per_minute=0)


@pytest.fixture
def services(settings):
    from printline.services import build_services

    svc = build_services(settings, queue=RecordingQueue())
    yield svc
    svc.engine.dispose()


@pytest.fixture
def app(services):
    from api.app import create_app

    return create_app(services)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def keys(services) -> dict[tuple[str, str], dict[str, str]]:
    """Authorization headers for every (brand, role)."""
    from datetime import UTC, datetime

    from api.keys import ROLES, create_key

    out = {}
    for brand in ("myposter", "kartenliebe"):
        for role in ROLES:
            secret = create_key(services.sessions, brand=brand, role=role, at=datetime.now(UTC))
            out[(brand, role)] = {"Authorization": f"Bearer {secret}"}
    return out


def order_body(upload_id: str, *, external_id: str = "MP-2026-000123", product: str = "poster-50x70",
               crop: dict | None = None, **overrides) -> dict:
    """A valid one-item order body (a 50 x 70 poster to Germany, B2C)."""
    image = {"upload_id": upload_id}
    if crop is not None:
        image["crop"] = crop
    body = {"external_id": external_id, "market": "DE", "language": "de", "currency": "EUR",
            "customer": {"type": "b2c", "email": "anna@example.org"},
            "shipping_address": {"name": "Anna Muster", "street": "Hauptstr. 1", "postal_code": "80331",
                                 "city": "München", "country": "DE"},
            "items": [{"product": product, "quantity": 1, "image": image}]}
    body.update(overrides)
    return body


# ---------------------------------------------------------------- real processes over HTTP

class _NoCredentialsOnRedirect(urllib.request.HTTPRedirectHandler):
    """Follow redirects as curl does: the API key never goes to another host (a presigned URL)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.remove_header("Authorization")
        return new


OPENER = urllib.request.build_opener(_NoCredentialsOnRedirect)


class Http:
    """A tiny HTTP client (urllib): follows redirects, returns status, headers and body."""

    def __init__(self, base: str, key: str) -> None:
        self.base, self.key = base, key

    def call(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(path if path.startswith("http") else self.base + path, data=body,
                                         method=method)
        request.add_header("Authorization", f"Bearer {self.key}")
        if content_type:
            request.add_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with OPENER.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def json(self, method: str, path: str, payload: dict | None = None, **kw) -> tuple[int, dict]:
        body = json.dumps(payload).encode() if payload is not None else None
        status, _, data = self.call(method, path, body, "application/json" if body else None, **kw)
        return status, json.loads(data)


def _wait_ready(base: str, processes: list[subprocess.Popen], logs: list[Path]) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        for process, log in zip(processes, logs):
            if process.poll() is not None:
                pytest.fail(f"{log.name} exited early:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    pytest.fail("the API did not become ready:\n" + "\n".join(log.read_text()[-3000:] for log in logs))


def stack_env(request, tmp_path: Path, kind: str, **extra: str) -> dict[str, str]:
    """The environment of real `printline` processes on one stack: full (PostgreSQL, RabbitMQ, Redis,
    moto S3) or embedded (SQLite, local files, file transport), on a queue of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTLINE_")}
    port = free_port()
    env.update(PRINTLINE_VAR_DIR=str(tmp_path / "var"), PRINTLINE_API_PORT=str(port),
               PRINTLINE_LOG_LEVEL="INFO", PRINTLINE_QUEUE=f"test.render.{uuid.uuid4().hex[:8]}",
               PRINTLINE_WEBHOOKS_ALLOW_PRIVATE="true")  # as a local demo: receivers on loopback
    if kind == "full-stack":
        env.update(
            PRINTLINE_DATABASE_URL=request.getfixturevalue("migrated_postgres_url"),
            PRINTLINE_BROKER_URL=request.getfixturevalue("amqp_url"),
            PRINTLINE_REDIS_URL=request.getfixturevalue("redis_url"),
            PRINTLINE_STORAGE_URL=f"s3://{request.getfixturevalue('s3_bucket')}/printline",
            PRINTLINE_S3_ENDPOINT_URL=request.getfixturevalue("moto_endpoint"),
        )
    env.update(extra)
    return env


CLI = [sys.executable, "-m", "printline.cli"]


@pytest.fixture(params=["full-stack", "embedded"])
def stack(request, tmp_path: Path):
    """`printline api` and `printline worker` (with its relay) as real processes on one stack, a migrated
    database and an admin key: (Http client, log files, stack kind)."""
    env = stack_env(request, tmp_path, request.param)
    cli = CLI
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    created = subprocess.run([*cli, "keys", "create", "--brand", "myposter", "--role", "admin"], env=env,
                             check=True, capture_output=True, text=True)
    key = created.stdout.strip().splitlines()[-1]
    logs = [tmp_path / "api.log", tmp_path / "worker.log"]
    processes = [subprocess.Popen([*cli, name], env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
                 for name, log in zip(("api", "worker"), logs)]
    base = f"http://127.0.0.1:{env['PRINTLINE_API_PORT']}"
    try:
        _wait_ready(base, processes, logs)
        yield Http(base, key), logs, request.param, env
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


# ---------------------------------------------------------------- fault tests (tests/faults/)
@pytest.fixture
def fault_stack(request, tmp_path):
    """`fault_stack(via=("s3",), **env)` builds (and later closes) a FaultStack: real `printline api`
    and `printline worker` processes on the full stack, chosen services behind proxies."""
    from tests.faults.harness import FaultStack

    made: list[FaultStack] = []

    def make(**kwargs) -> FaultStack:
        made.append(FaultStack(request, tmp_path, **kwargs))
        return made[-1]

    yield make
    for stack in made:
        stack.close()
