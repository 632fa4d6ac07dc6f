"""Service fixtures for the whole suite: PostgreSQL, Redis, RabbitMQ, S3 (moto server) and tools.

An integration test that needs a service skips with a clear message when it is unreachable,
except under CI=true, where it fails instead. The same goes for the outside tools the tests read
print files with (qpdf, poppler-utils, ghostscript, liblcms2-utils).
"""

from __future__ import annotations

import os
import shutil
import socket
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
                 "gs": "ghostscript", "transicc": "liblcms2-utils"}


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
