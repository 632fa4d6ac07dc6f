"""The whole path over HTTP, on real processes: `printline api` and `printline worker`.

Full stack: PostgreSQL, RabbitMQ, Redis and S3 (moto's server, boto3 over HTTP). Embedded: SQLite,
local files and the file-based Celery transport under var/. Same test, same assertions.
"""

from __future__ import annotations

import json
import time
import uuid

import pikepdf
import pytest

from tests import imagegen
from tests.conftest import order_body

pytestmark = pytest.mark.integration
PT_PER_MM = 72 / 25.4
DONE = {"approved", "qa_pending", "failed", "rendered"}


def _mm(value: float) -> float:
    return round(float(value) / PT_PER_MM, 2)


def test_upload_order_render_download(stack, tmp_path):
    http, logs, kind, _ = stack
    photo = imagegen.photo_jpeg(tmp_path / "camera.jpg", 3000, 4000, orientation=1)  # 12 MP
    status, _, body = http.call("POST", "/v1/uploads", photo.read_bytes(), "image/jpeg")
    assert status == 201, body
    upload = json.loads(body)

    crop = {"x": 0.02, "y": 0.0, "width": 0.9333, "height": 0.98}  # 2800 x 3920 px: 5:7, 142 ppi
    external_id = f"MP-E2E-{uuid.uuid4().hex[:8]}"  # the full stack's database outlives one test
    status, order = http.json("POST", "/v1/orders", order_body(upload["id"], crop=crop, external_id=external_id),
                              headers={"Idempotency-Key": f"e2e-{external_id}"})
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
    status, _, stored = http.call("GET", f"/v1/jobs/{job_id}/report")
    for served in (json.dumps(job), stored.decode()):  # no server path, no exception text
        assert str(tmp_path) not in served and "/work/" not in served and "Traceback" not in served

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
    status, replay = http.json("POST", "/v1/orders", order_body(upload["id"], crop=crop, external_id=external_id),
                               headers={"Idempotency-Key": f"e2e-{external_id}"})
    assert status == 200 and replay["id"] == order["id"]


def test_bad_upload_leaves_the_service_serving(stack, tmp_path):
    http, _, _, _ = stack
    status, headers, body = http.call("POST", "/v1/uploads", b"\x89PNG\r\n\x1a\n broken", "image/png")
    assert status == 422 and headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["detail"]
    photo = imagegen.photo_jpeg(tmp_path / "ok.jpg", 200, 280)
    assert http.call("POST", "/v1/uploads", photo.read_bytes(), "image/jpeg")[0] == 201
