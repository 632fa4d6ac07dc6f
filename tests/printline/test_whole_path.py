"""The whole path over HTTP, on real processes: `printline api` and `printline worker`.

Full stack: PostgreSQL, RabbitMQ, Redis and S3 (moto's server, boto3 over HTTP). Embedded: SQLite,
local files and the file-based Celery transport under var/. Same test, same assertions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pikepdf
import pytest

from tests import imagegen
from tests.conftest import free_port, order_body

pytestmark = pytest.mark.integration
PT_PER_MM = 72 / 25.4
DONE = {"approved", "qa_pending", "failed", "rendered"}


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


@pytest.fixture(params=["full-stack", "embedded"])
def stack(request, tmp_path: Path):
    """Environment for the two processes, migrated database and an admin key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTLINE_")}
    port = free_port()
    env.update(PRINTLINE_VAR_DIR=str(tmp_path / "var"), PRINTLINE_API_PORT=str(port),
               PRINTLINE_LOG_LEVEL="INFO", PRINTLINE_QUEUE=f"test.render.{uuid.uuid4().hex[:8]}")
    if request.param == "full-stack":
        env.update(
            PRINTLINE_DATABASE_URL=request.getfixturevalue("migrated_postgres_url"),
            PRINTLINE_BROKER_URL=request.getfixturevalue("amqp_url"),
            PRINTLINE_REDIS_URL=request.getfixturevalue("redis_url"),
            PRINTLINE_STORAGE_URL=f"s3://{request.getfixturevalue('s3_bucket')}/printline",
            PRINTLINE_S3_ENDPOINT_URL=request.getfixturevalue("moto_endpoint"),
        )
    cli = [sys.executable, "-m", "printline.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    created = subprocess.run([*cli, "keys", "create", "--brand", "myposter", "--role", "admin"], env=env,
                             check=True, capture_output=True, text=True)
    key = created.stdout.strip().splitlines()[-1]
    logs = [tmp_path / "api.log", tmp_path / "worker.log"]
    processes = [subprocess.Popen([*cli, name], env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
                 for name, log in zip(("api", "worker"), logs)]
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, processes, logs)
        yield Http(base, key), logs, request.param
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _mm(value: float) -> float:
    return round(float(value) / PT_PER_MM, 2)


def test_upload_order_render_download(stack, tmp_path):
    http, logs, kind = stack
    photo = imagegen.photo_jpeg(tmp_path / "camera.jpg", 3000, 4000, orientation=1)  # 12 MP
    status, _, body = http.call("POST", "/v1/uploads", photo.read_bytes(), "image/jpeg")
    assert status == 201, body
    upload = json.loads(body)

    crop = {"x": 0.02, "y": 0.0, "width": 0.9333, "height": 0.98}  # 2800 x 3920 px: 5:7, 142 ppi
    status, order = http.json("POST", "/v1/orders", order_body(upload["id"], crop=crop),
                              headers={"Idempotency-Key": f"e2e-{kind}"})
    assert status == 201, order
    job_id = order["items"][0]["job_id"]

    deadline, job = time.time() + 240, {}
    while time.time() < deadline:
        status, job = http.json("GET", f"/v1/jobs/{job_id}")
        if job["state"] in DONE:
            break
        time.sleep(0.5)
    assert job.get("state") == "qa_pending", (job, logs[1].read_text()[-5000:])
    assert job["verdict"] == job["report"]["verdict"] == "warn"  # 142 ppi: below the poster's 150
    assert "low-ppi" in {finding["code"] for finding in job["report"]["findings"]}

    status, headers, pdf_bytes = http.call("GET", f"/v1/jobs/{job_id}/printfile")
    assert status == 200 and pdf_bytes.startswith(b"%PDF")
    pdf_path = tmp_path / "printfile.pdf"
    pdf_path.write_bytes(pdf_bytes)
    with pikepdf.open(pdf_path) as pdf:
        [page] = pdf.pages
        trim = [_mm(v) for v in page.obj.TrimBox]
        bleed = [_mm(v) for v in page.obj.BleedBox]
        media = [_mm(v) for v in page.obj.MediaBox]
        assert (round(trim[2] - trim[0], 2), round(trim[3] - trim[1], 2)) == (500.0, 700.0)
        assert (round(bleed[2] - bleed[0], 2), round(bleed[3] - bleed[1], 2)) == (506.0, 706.0)
        assert (round(trim[0] - bleed[0], 2), round(trim[1] - bleed[1], 2)) == (3.0, 3.0)
        assert media[0] <= bleed[0] and media[1] <= bleed[1] and media[2] >= bleed[2] and media[3] >= bleed[3]
        images = [pikepdf.PdfImage(obj) for obj in page.get_images().values()]
        big = max(images, key=lambda im: im.width * im.height)
        assert (big.width, big.height) == (5976, 8339)
        assert big.colorspace in ("/DeviceCMYK", "/ICCBased") and big.obj.get("/Filter") == "/DCTDecode"
        if big.colorspace == "/ICCBased":
            assert big.obj.ColorSpace[1].N == 4

    status, headers, preview = http.call("GET", f"/v1/jobs/{job_id}/preview")
    assert status == 200 and preview[:3] == b"\xff\xd8\xff"
    import pyvips

    image = pyvips.Image.new_from_buffer(preview, "")
    assert max(image.width, image.height) == 1200 and image.bands == 3

    status, approved = http.json("POST", f"/v1/jobs/{job_id}/approve", {"reason": "soft but fine"})
    assert status == 200 and approved["state"] == "approved"
    status, order_now = http.json("GET", f"/v1/orders/{order['id']}")
    assert order_now["status"] == "ready" and order_now["items"][0]["state"] == "approved"
    status, replay = http.json("POST", "/v1/orders", order_body(upload["id"], crop=crop),
                               headers={"Idempotency-Key": f"e2e-{kind}"})
    assert status == 200 and replay["id"] == order["id"]


def test_bad_upload_leaves_the_service_serving(stack, tmp_path):
    http, _, _ = stack
    status, headers, body = http.call("POST", "/v1/uploads", b"\x89PNG\r\n\x1a\n broken", "image/png")
    assert status == 422 and headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["detail"]
    photo = imagegen.photo_jpeg(tmp_path / "ok.jpg", 200, 280)
    assert http.call("POST", "/v1/uploads", photo.read_bytes(), "image/jpeg")[0] == 201
