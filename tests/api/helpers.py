"""Shared by the API tests: an order of several lines over the API (webhooks, the events feed), and a
loopback web server to fetch images from (upload by URL)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.conftest import order_body


def order_of_lines(client, keys, photo, *, brand: str = "myposter", quantities=(3, 1), external_id: str = "MP-7") -> dict:
    shop = keys[brand, "shop"]
    upload = client.post("/v1/uploads", data=photo.read_bytes(), headers={**shop, "Content-Type": "image/jpeg"})
    body = order_body(upload.get_json()["id"], external_id=external_id)
    body["items"] = [{**body["items"][0], "quantity": q} for q in quantities]
    response = client.post("/v1/orders", json=body, headers=shop)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


class LoopbackSite:
    """A loopback web server: path -> (status, headers, body, delay before answering)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes, float]] = {}
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.hits.append(self.path)
                status, headers, body, delay = site.routes.get(self.path, (404, {}, b"no", 0.0))
                time.sleep(delay)
                try:
                    self.send_response(status)
                    for name, value in {"Content-Length": str(len(body)), **headers}.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
