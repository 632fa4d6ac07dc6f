"""Upload by URL: fetch a customer's image from the internet without letting the URL reach inside.

Each hop is vetted by the webhook SSRF guard (`queues.webhooks.addresses.check_url`: resolved once, every
address public) and the connection goes to a vetted address, with the URL's host as `Host` and TLS name,
so a DNS answer that changes between check and connect cannot reach a private address. Redirects are
followed by hand, at most `MAX_REDIRECTS`, each new URL vetted again. https only (plain http only where
private addresses are allowed: tests, demos). The body is streamed to a file, hashed as it comes, cut off
at the size limit, and the whole fetch (every hop) has one deadline.

Where it runs: a small bounded thread pool in the API process (`Fetcher`), not the worker. A fetch is
network waiting plus the same header probe a direct upload gets in the request; the worker's queue is
the render queue (prefetch 1, renders of minutes), where a fetch would wait behind renders for nothing.
A fetch lost with its process (a restart) is found `fetching` past its deadline and marked failed.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import urllib3
from urllib3.exceptions import HTTPError, ReadTimeoutError

from queues.webhooks.addresses import Target, UrlRefused, check_url

MAX_REDIRECTS = 3
CHUNK = 256 * 1024
USER_AGENT = "Printline-UploadFetcher/1"
REDIRECTS = (301, 302, 303, 307, 308)


class FetchFailed(Exception):
    """The image could not be fetched; `code` is stable, `message` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


@dataclass(frozen=True)
class Fetched:
    path: Path
    sha256: str
    size: int
    url: str  # the last URL (after redirects)

    @property
    def filename(self) -> str | None:
        name = unquote(urlsplit(self.url).path.rsplit("/", 1)[-1])
        return name or None


def vetter(allow_private: bool) -> Callable[[str], Target]:
    """The check each hop passes: public addresses only, https only, unless private is allowed."""
    def vet(url: str) -> Target:
        target = check_url(url, allow_private=allow_private)
        if target.scheme != "https" and not allow_private:
            raise UrlRefused("url-scheme", "Use an https:// URL.")
        return target

    return vet


def _open(target: Target, remaining: float, ca_certs: str | None) -> urllib3.BaseHTTPResponse:
    """GET the target at one of its vetted addresses (the next one when a connection is refused)."""
    last: Exception | None = None
    for address in target.addresses:
        common = {"port": target.port, "maxsize": 1, "retries": False,
                  "timeout": urllib3.Timeout(connect=min(remaining, 10.0), read=remaining)}
        if target.scheme == "https":
            pool = urllib3.HTTPSConnectionPool(address, cert_reqs="CERT_REQUIRED", ca_certs=ca_certs,
                                               server_hostname=target.host, assert_hostname=target.host, **common)
        else:
            pool = urllib3.HTTPConnectionPool(address, **common)
        try:
            return pool.urlopen("GET", target.path, redirect=False, retries=False, preload_content=False,
                                assert_same_host=False, headers={"Host": target.host_header, "User-Agent": USER_AGENT,
                                                                 "Accept": "image/*"})
        except (HTTPError, OSError) as exc:
            pool.close()
            last = exc
            if isinstance(exc, ReadTimeoutError | TimeoutError):
                raise FetchFailed("fetch-timeout", "The image's server did not answer in time.") from exc
    raise FetchFailed("fetch-unreachable", f"The image's server {target.host} could not be reached.") from last


def fetch_url(url: str, folder: Path, *, vet: Callable[[str], Target], max_bytes: int, timeout: float,
              ca_certs: str | None = None) -> Fetched:
    """Fetch `url` into a new file in `folder` (FetchFailed otherwise; nothing is left behind then)."""
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            target = vet(url)
        except UrlRefused as exc:
            raise FetchFailed(exc.code, exc.message) from exc
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchFailed("fetch-timeout", f"The image did not arrive within {timeout:g} s.")
        response = _open(target, remaining, ca_certs)
        try:
            if response.status in REDIRECTS and response.headers.get("Location"):
                url = urljoin(target.url, response.headers["Location"])
                continue
            if response.status != 200:
                raise FetchFailed("fetch-http-status", f"The image's server answered {response.status}.")
            return _save(response, folder, url, max_bytes, deadline, timeout)
        finally:
            response.release_conn()
            response.close()
    raise FetchFailed("too-many-redirects", f"The URL redirects more than {MAX_REDIRECTS} times.")


def _save(response: urllib3.BaseHTTPResponse, folder: Path, url: str, max_bytes: int, deadline: float,
          timeout: float) -> Fetched:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchFailed("upload-too-large", f"The image is larger than {max_bytes:,} bytes.")
    digest, size = hashlib.sha256(), 0
    handle = tempfile.NamedTemporaryFile(dir=folder, prefix="fetch-", delete=False)
    path = Path(handle.name)
    try:
        with handle:
            while True:
                if time.monotonic() > deadline:
                    raise FetchFailed("fetch-timeout", f"The image did not arrive within {timeout:g} s.")
                try:
                    chunk = response.read1(CHUNK)  # what has arrived: a slow drip still meets the deadline
                except (ReadTimeoutError, TimeoutError) as exc:
                    raise FetchFailed("fetch-timeout", f"The image did not arrive within {timeout:g} s.") from exc
                except (HTTPError, OSError) as exc:
                    raise FetchFailed("fetch-broken", "The connection broke off while the image arrived.") from exc
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise FetchFailed("upload-too-large", f"The image is larger than {max_bytes:,} bytes.")
                digest.update(chunk)
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Fetched(path, digest.hexdigest(), size, url)


class Fetcher:
    """A bounded pool: `threads` fetches at once, `queue` more waiting, anything beyond refused."""

    def __init__(self, threads: int, queue: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="url-fetch")
        self._slots = threading.BoundedSemaphore(threads + queue)

    def submit(self, work: Callable[[], None]) -> bool:
        """Run `work` on the pool; False (nothing started) when the pool and its queue are full."""
        if not self._slots.acquire(blocking=False):
            return False

        def run() -> None:
            try:
                work()
            finally:
                self._slots.release()

        self._pool.submit(run)
        return True

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
