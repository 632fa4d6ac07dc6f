"""A loopback TCP proxy the fault tests control: put it between a process and PostgreSQL, RabbitMQ, Redis
or S3, then `refuse()` (new connections are reset, open ones cut), `stall()` (bytes stop flowing, as
a hung server), `cut()` (close the open connections once) and `heal()`.

Threads, not asyncio: the tests are synchronous, and a dozen connections at most pass through.
"""

from __future__ import annotations

import socket
import threading
import time


class Proxy:
    """127.0.0.1:<port> -> target; `.port` is what the process under test connects to."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.mode = "open"  # open | refuse | stall
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True, name=f"proxy-{self.port}").start()

    def url_port(self) -> int:
        return self.port

    # ------------------------------------------------------------------ control

    def refuse(self) -> None:
        """New connections are closed at once and the open ones cut: the service is down."""
        self.mode = "refuse"
        self.cut()

    def stall(self) -> None:
        """Connections stay open but nothing passes: a hung service (clients hit their timeouts)."""
        self.mode = "stall"

    def heal(self) -> None:
        self.mode = "open"

    def cut(self) -> None:
        """Close every open connection once (as a broker restart or a network blip does)."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                _close(sock)

    def close(self) -> None:
        self._closed = True
        self.cut()
        _close(self._listener)

    # ------------------------------------------------------------------ plumbing

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "refuse":
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._pairs.append((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                while self.mode == "stall" and not self._closed:
                    time.sleep(0.05)
                if self.mode == "refuse":
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            _close(src)
            _close(dst)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
