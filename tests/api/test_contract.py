"""The API against its own OpenAPI 3.1 document: the document is valid, and a schemathesis run with
all checks and all phases (bounded: a few examples per operation, a time budget) finds no server
error and no contract failure. The app is served by waitress on a free port, on a throw-away SQLite
database, and called with an admin key (every role's operations are reachable)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import RecordingQueue, free_port

MAX_EXAMPLES = int(os.environ.get("PRINTLINE_CONTRACT_EXAMPLES", "3"))
MAX_SECONDS = int(os.environ.get("PRINTLINE_CONTRACT_SECONDS", "90"))
CONFIG = """
# A schema cannot say which products exist or which upload ids are the brand's: well-formed requests
# naming such things are refused as 422 (semantic), which is no breach of the contract.
# A JSON string may hold U+0000 by the schema, but api/guards.py refuses NUL anywhere in a request as 400
# `nul-byte` (the databases cannot store it): reached once the seeded order and jobs exist.
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "422", "429"]
"""


@pytest.fixture(scope="module")
def contract_app(tmp_path_factory):
    from api.app import create_app
    from api.keys import create_key
    from records.migrate import upgrade
    from printline.services import build_services
    from printline.settings import Settings

    folder: Path = tmp_path_factory.mktemp("contract")
    url = f"sqlite:///{folder / 'printline.sqlite'}"
    upgrade(url)
    svc = build_services(Settings(var_dir=folder / "var", database_url=url, rate_limit_per_minute=1_000_000),
                         queue=RecordingQueue())
    app = create_app(svc)
    app.config["CONTRACT_KEY"] = create_key(svc.sessions, brand="myposter", role="admin", at=datetime.now(UTC))
    app.config["CONTRACT_DIR"] = folder
    _seed(app, folder)
    yield app
    svc.engine.dispose()


def _seed(app, folder: Path) -> None:
    """An upload and an order of the brand, so operations that link to them (jobs, items, packing slip)
    are reached with ids that exist, not only with ones that do not."""
    from tests import imagegen
    from tests.conftest import order_body

    client, key = app.test_client(), {"Authorization": f"Bearer {app.config['CONTRACT_KEY']}"}
    photo = imagegen.photo_jpeg(folder / "seed.jpg", 600, 840)
    upload = client.post("/v1/uploads", data=photo.read_bytes(), headers={**key, "Content-Type": "image/jpeg"})
    assert upload.status_code == 201, upload.get_json()
    order = client.post("/v1/orders", json=order_body(upload.get_json()["id"]), headers=key)
    assert order.status_code == 201, order.get_json()


@pytest.fixture(scope="module")
def served(contract_app):
    from waitress import create_server

    server = create_server(contract_app, host="127.0.0.1", port=free_port(), threads=4)
    thread = threading.Thread(target=server.run, daemon=True, name="contract-api")
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


def test_the_document_is_valid_openapi_3_1(contract_app):
    from openapi_spec_validator import validate

    spec = contract_app.test_client().get("/openapi.json").get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    assert len({t["name"] for t in spec["tags"]}) == len(spec["tags"])
    assert "Problem" in spec["components"]["schemas"] and "HTTPError" not in spec["components"]["schemas"]
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for status, response in op["responses"].items():
                if status[0] in "45":
                    assert list(response["content"]) == ["application/problem+json"], (method, path, status)
            if op.get("security"):
                assert {"401", "403", "429"} <= set(op["responses"]), (method, path)
    upload = spec["paths"]["/v1/uploads"]["post"]["requestBody"]
    assert upload["required"] and {"image/*", "multipart/form-data"} <= set(upload["content"])
    approve = spec["paths"]["/v1/jobs/{job_id}/approve"]["post"]["requestBody"]
    assert approve["required"] is False
    assert spec["paths"]["/v1/orders"]["post"]["requestBody"]["required"] is True


def test_schemathesis_finds_no_server_error_and_no_contract_failure(contract_app, served):
    pytest.importorskip("schemathesis")
    folder: Path = contract_app.config["CONTRACT_DIR"]
    config = folder / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    cli = Path(sys.executable).with_name("schemathesis")
    command = [str(cli), "--config-file", str(config), "run", f"{served}/openapi.json", "--checks", "all",
               "--max-examples", str(MAX_EXAMPLES), "--max-time", str(MAX_SECONDS), "--seed", "12",
               "--workers", "1", "-H", f"Authorization: Bearer {contract_app.config['CONTRACT_KEY']}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=MAX_SECONDS * 3 + 120,
                            cwd=folder, env={**os.environ, "NO_COLOR": "1"})
    summary = result.stdout[result.stdout.find("SUMMARY"):] if "SUMMARY" in result.stdout else result.stdout[-4000:]
    print(summary)
    assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-2000:]


def test_docs_need_nothing_from_outside(client):
    page = client.get("/docs").get_data(as_text=True)
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"):
        assert f'"/docs-assets/{asset}"' in page
        assert client.get(f"/docs-assets/{asset}").status_code == 200
    assert "cdn." not in page and "apiflask.com" not in page
