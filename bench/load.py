"""Intake under load: concurrent shop backends against the real API, on both stacks.

    .venv/bin/python bench/load.py [--seconds 30] [--clients 20] [--stacks embedded,full] [--no-worker]

Each stack runs as real processes, as `printline run` starts them: `printline api` (waitress) and
`printline worker` (Celery, the outbox relay beside it), on a throw-away var dir, database, queue and
bucket. embedded: SQLite, local files, Celery's file transport (`make run`'s defaults); full:
PostgreSQL, RabbitMQ, Redis and S3 from a `moto_server` on a free loopback port. The rate limit is off
(PRINTLINE_RATE_LIMIT_PER_MINUTE=0), else 20 clients on one key measure the limiter. The worker runs
at nice 10: renders drain on the CPU intake leaves (in production they have machines of their own),
while relay, broker and job-state writes stay live beside the API.

Each client is a thread with one keep-alive connection (urllib3) running shop checkouts back to back
without think time. A checkout is what a shop backend sends for one customer: upload the photo (an
800 x 600 JPEG with a unique COM segment, so every upload is new), two quotes (cart, checkout), the
order, the order read back, its job polled twice: upload 1 : quote 2 : order 1 : reads 3 (14/29/14/43 %).
One warm-up checkout runs first (lazy imports are a start-up cost, not p99). Printed per stack and
endpoint: requests, requests/s, p50, p99, errors; the cores each part used (/proc) and the load.
Everything started is stopped, the database dropped, the queues deleted, also when a run fails.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import urllib3

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/load.py` puts bench/ first, not the project
    sys.path.insert(0, str(ROOT))

CLI = [sys.executable, "-m", "printline.cli"]
TICKS = os.sysconf("SC_CLK_TCK")
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{}"
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672//"
REDIS_URL = "redis://127.0.0.1:6379/15"
# what a poster shop sells most: small formats often, large ones now and then (product, weight)
PRODUCTS = [("poster-20x30", 4), ("poster-30x40", 3), ("poster-50x70", 2), ("poster-70x100", 1)]
ADDRESS = {"name": "Anna Muster", "street": "Hauptstr. 1", "postal_code": "80331", "city": "München",
           "country": "DE"}


class Stop(Exception):
    """The clock ran out: a client ends its checkout where it is."""


@dataclass
class Result:
    """One stack's run: per-request samples and what the processes used meanwhile."""

    stack: str
    clients: int
    seconds: float = 0.0
    samples: list[tuple[str, float]] = field(default_factory=list)  # (endpoint, ms) of 2xx answers
    errors: Counter = field(default_factory=Counter)  # "503 order", "ReadTimeoutError upload", ...
    cpu: dict[str, float] = field(default_factory=dict)  # part -> cores used on average
    load: tuple[float, float] = (0.0, 0.0)  # 1-min load average at the end, mean runnable tasks

    @property
    def requests(self) -> int:  # answered or failed
        return len(self.samples) + self.error_count

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: p99 is a latency some request really had)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] if ordered else math.nan


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return sock.getsockname()[1]


def _proc_table() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, user + sys seconds incl. reaped children) of every process now."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            table[int(entry.name)] = (int(fields[1]), sum(int(v) for v in fields[11:15]) / TICKS)
    return table


def tree(root: int, table: dict[int, tuple[int, float]] | None = None) -> list[int]:
    """`root` and its live descendants: the worker's prefork child and relay are part of it."""
    table = table if table is not None else _proc_table()
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(child for child, (parent, _) in table.items() if parent == pid)
    return found


def tree_cpu(root: int) -> float:
    table = _proc_table()
    return sum(table[pid][1] for pid in tree(root, table) if pid in table)


def run_queue_wait(pid: int) -> float:
    """Seconds the threads of `pid` were runnable but had no core (schedstat): above its CPU time, the
    process is starved by the machine; both low, it waits on locks or I/O (or the GIL: not runnable)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError, IndexError):
            total += int((task / "schedstat").read_text().split()[1])
    return total / 1e9


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores from /proc/stat: the whole machine, neighbours included."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def unique_photo(base: bytes, n: int) -> bytes:
    """The same JPEG with a COM segment after SOI naming `n`: new bytes (a new upload) for free."""
    text = f"printline load {n} {uuid.uuid4().hex}".encode()
    return base[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + base[2:]


def make_photo() -> bytes:
    """An 800 x 600 sRGB JPEG (tests.imagegen's gradient), small so the bench measures the service."""
    from tests import imagegen

    with tempfile.TemporaryDirectory(prefix="bench-load-photo-") as tmp:
        return imagegen.photo_jpeg(Path(tmp) / "photo.jpg", 800, 600).read_bytes()


class Client(threading.Thread):
    """One shop backend: checkouts back to back on one keep-alive connection until `deadline`."""

    def __init__(self, n: int, port: int, key: str, photo: bytes, deadline: float, start: threading.Barrier):
        super().__init__(name=f"client-{n}", daemon=True)
        self.n, self.photo, self.deadline, self.start_barrier = n, photo, deadline, start
        self.pool = urllib3.HTTPConnectionPool("127.0.0.1", port, maxsize=1, block=True, retries=False,
                                               timeout=urllib3.Timeout(connect=5, read=30))
        self.headers = {"Authorization": f"Bearer {key}"}
        self.rng = random.Random(n)
        self.samples: list[tuple[str, float]] = []  # (endpoint, ms) of the 2xx answers
        self.errors, self.last_end = Counter(), 0.0

    def call(self, endpoint: str, method: str, path: str, body: bytes | dict | None = None,
             content_type: str = "application/json", headers: dict | None = None) -> dict | None:
        """One request, timed to its last byte; the parsed body of a 2xx answer, else None."""
        if time.perf_counter() >= self.deadline:
            raise Stop
        if isinstance(body, dict):
            body = json.dumps(body).encode()
        sent = {**self.headers, **(headers or {}), **({"Content-Type": content_type} if body else {})}
        t0 = time.perf_counter()
        try:
            response = self.pool.urlopen(method, path, body=body, headers=sent, preload_content=True)
            status = response.status
        except urllib3.exceptions.HTTPError as exc:  # refused, reset, timed out: by exception name
            status = type(exc).__name__
        self.last_end = time.perf_counter()
        if isinstance(status, int) and 200 <= status < 300:
            self.samples.append((endpoint, (self.last_end - t0) * 1000))
            return json.loads(response.data or b"{}")
        self.errors[f"{status} {endpoint}"] += 1
        return None

    def checkout(self, n: int) -> None:
        """One customer: upload, quote twice, order, read the order back, poll the job twice."""
        product = self.rng.choices([p for p, _ in PRODUCTS], [w for _, w in PRODUCTS])[0]
        upload = self.call("upload", "POST", "/v1/uploads", unique_photo(self.photo, n), "image/jpeg")
        if upload is None:
            return
        quote = {"market": "DE", "currency": "EUR", "language": "de", "customer": {"type": "b2c"},
                 "shipping_country": "DE", "items": [{"product": product, "quantity": 1}]}
        self.call("quote", "POST", "/v1/quotes", quote)
        quote["items"][0]["quantity"] = quantity = self.rng.choice((1, 1, 1, 2))
        self.call("quote", "POST", "/v1/quotes", quote)
        order = {"external_id": f"MP-LOAD-{n}-{uuid.uuid4().hex[:8]}", "market": "DE", "language": "de",
                 "currency": "EUR", "customer": {"type": "b2c", "email": "anna@example.org"},
                 "shipping_address": ADDRESS,
                 "items": [{"product": product, "quantity": quantity, "image": {"upload_id": upload["id"]}}]}
        created = self.call("order", "POST", "/v1/orders", order,
                            headers={"Idempotency-Key": order["external_id"]})
        if created is None:
            return
        self.call("read order", "GET", f"/v1/orders/{created['id']}")
        for _ in range(2):
            self.call("read job", "GET", f"/v1/jobs/{created['items'][0]['job_id']}")

    def run(self) -> None:
        self.start_barrier.wait()
        with contextlib.suppress(Stop), self.pool:
            for n in range(self.n * 1_000_000, (self.n + 1) * 1_000_000):
                self.checkout(n)


def run_load(port: int, key: str, clients: int, seconds: float, photo: bytes, result: Result) -> Result:
    """`clients` checkout loops for `seconds` against the API on `port`; samples into `result`.
    Only requests sent before the deadline count; the ones in flight then are waited for."""
    barrier = threading.Barrier(clients + 1)
    threads = [Client(i, port, key, photo, float("inf"), barrier) for i in range(clients)]
    for thread in threads:
        thread.start()
    t0 = time.perf_counter()
    for thread in threads:  # set before the barrier lets them go
        thread.deadline = t0 + seconds
    barrier.wait()
    for thread in threads:
        thread.join(seconds + 60)
    result.seconds = max([t.last_end for t in threads] + [t0 + seconds]) - t0
    for thread in threads:
        result.samples.extend(thread.samples)
        result.errors.update(thread.errors)
        if thread.is_alive():
            result.errors["client hung"] += 1
    return result


def _migrate_and_key(env: dict[str, str]) -> str:
    """Migrate the stack's database and make one shop key, in-process (as `printline keys create`)."""
    from datetime import UTC, datetime

    from api.keys import create_key
    from printline.settings import Settings
    from records.migrate import upgrade
    from records.session import make_engine, make_sessionmaker

    settings = Settings(var_dir=Path(env["PRINTLINE_VAR_DIR"]),
                        database_url=env.get("PRINTLINE_DATABASE_URL", ""))
    upgrade(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    try:
        return create_key(make_sessionmaker(engine), brand="myposter", role="shop", at=datetime.now(UTC),
                          label="bench/load.py")
    finally:
        engine.dispose()


def _stop(process: subprocess.Popen, grace: float) -> None:
    """SIGTERM, then SIGKILL to the process and what it started (by pid) after `grace` seconds; a
    worker's warm shutdown waits for its render, which must not stretch the bench."""
    if process.poll() is not None:
        return
    pids = tree(process.pid)
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_port(port: int, process: subprocess.Popen, log: Path, path: str = "/readyz") -> None:
    """Until GET `path` answers 200; the log's tail when the process dies or 60 s pass."""
    pool = urllib3.HTTPConnectionPool("127.0.0.1", port, retries=False, timeout=2)
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{log.name} exited early:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(urllib3.exceptions.HTTPError):
            if pool.request("GET", path).status == 200:
                return
        time.sleep(0.3)
    raise SystemExit(f"{log.name}: no 200 on {path} within 60 s:\n{log.read_text()[-3000:]}")


def _spawn(ctx: contextlib.ExitStack, argv: list[str], env: dict, log: Path, grace: float):
    process = subprocess.Popen(argv, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    ctx.callback(_stop, process, grace)  # stopped however the run ends
    return process


def _postgres(sql: str) -> None:
    """One statement on the server's admin database (CREATE / DROP DATABASE need autocommit)."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def _drop_queues(queue: str) -> None:
    """The run's render and dead-letter queues and exchanges, off the shared RabbitMQ."""
    from kombu import Connection

    with Connection(AMQP_URL, connect_timeout=5) as conn:
        for name in (queue, f"{queue}.dead"):
            for delete in ("queue_delete", "exchange_delete"):
                with contextlib.suppress(Exception):
                    getattr(conn.channel(), delete)(name)


def full_stack(ctx: contextlib.ExitStack, env: dict[str, str], tmp: Path) -> dict[str, int]:
    """PostgreSQL database, S3 bucket on a new moto server, RabbitMQ and Redis into `env`; cleanup
    registered on `ctx`. The moto server's pid, so its CPU can be counted."""
    import boto3

    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "eu-central-1")):  # dummies that moto accepts, never real ones
        env.setdefault(name, value)
        os.environ.setdefault(name, value)
    port = free_port()
    moto = _spawn(ctx, [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                  env, tmp / "moto.log", 5)
    _wait_port(port, moto, tmp / "moto.log", "/moto-api/")
    bucket = f"printline-load-{uuid.uuid4().hex[:10]}"
    boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="eu-central-1").create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    database = f"printline_load_{uuid.uuid4().hex[:10]}"
    _postgres(f'CREATE DATABASE "{database}"')
    ctx.callback(_postgres, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')  # after the processes
    ctx.callback(_drop_queues, env["PRINTLINE_QUEUE"])
    env.update(PRINTLINE_DATABASE_URL=PG_URL.format(database), PRINTLINE_BROKER_URL=AMQP_URL,
               PRINTLINE_REDIS_URL=REDIS_URL, PRINTLINE_STORAGE_URL=f"s3://{bucket}/printline",
               PRINTLINE_S3_ENDPOINT_URL=f"http://127.0.0.1:{port}")
    return {"moto": moto.pid}


def bench_stack(kind: str, clients: int, seconds: float, *, worker: bool = True,
                photo: bytes | None = None) -> Result:
    """Start `kind` ("embedded" or "full"), warm it up with one checkout, load it, stop everything."""
    result = Result(stack=kind, clients=clients)
    photo = photo or make_photo()
    with tempfile.TemporaryDirectory(prefix=f"bench-load-{kind}-") as tmp_name, contextlib.ExitStack() as ctx:
        tmp = Path(tmp_name)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTLINE_")}
        env.update(PRINTLINE_VAR_DIR=str(tmp / "var"), PRINTLINE_API_PORT=str(port),
                   PRINTLINE_LOG_LEVEL="INFO", PRINTLINE_QUEUE=f"bench.load.{uuid.uuid4().hex[:8]}",
                   PRINTLINE_RATE_LIMIT_PER_MINUTE="0")
        print(f"{kind}: {clients} x {seconds:g} s in {tmp}, queue {env['PRINTLINE_QUEUE']}", file=sys.stderr)
        parts = full_stack(ctx, env, tmp) if kind == "full" else {}
        key = _migrate_and_key(env)
        api = _spawn(ctx, [*CLI, "api"], env, tmp / "api.log", 10)
        parts["api"] = api.pid
        if worker:
            parts["worker"] = _spawn(ctx, ["nice", "-n", "10", *CLI, "worker"], env, tmp / "worker.log",
                                     10).pid
        _wait_port(port, api, tmp / "api.log")
        _warm_up(port, key, photo)
        measure(result, parts, lambda: run_load(port, key, clients, seconds, photo, result))
        tracebacks = (tmp / "api.log").read_text(errors="replace").count("Traceback (most recent call last)")
        result.errors.update({"tracebacks in api.log": tracebacks} if tracebacks else {})  # even under a 2xx
    return result


def _warm_up(port: int, key: str, photo: bytes) -> None:
    """One checkout before the clock: lazy imports and first connections are a start-up cost."""
    client = Client(999, port, key, photo, float("inf"), threading.Barrier(1))
    with client.pool:
        client.checkout(999_000_000)
    if client.errors:
        raise SystemExit(f"warm-up checkout failed: {dict(client.errors)}")


def measure(result: Result, parts: dict[str, int], work) -> None:
    """Run `work()`; meanwhile sample the run queue, and record each part's average cores used."""
    before = {name: tree_cpu(pid) for name, pid in parts.items()}
    wait0 = run_queue_wait(parts["api"])
    client0, busy0 = sum(os.times()[:2]), machine_busy()
    runnable, done = [], threading.Event()

    def sample() -> None:  # the run queue each second: what the load average smooths over minutes
        while not done.wait(1.0):
            runnable.append(int(Path("/proc/loadavg").read_text().split()[3].split("/")[0]))

    threading.Thread(target=sample, daemon=True).start()
    work()
    done.set()
    wall = result.seconds or 1.0
    for name, pid in parts.items():
        result.cpu[name] = (tree_cpu(pid) - before[name]) / wall
    result.cpu["client"] = (sum(os.times()[:2]) - client0) / wall
    result.cpu["api waits for a core"] = (run_queue_wait(parts["api"]) - wait0) / wall
    busy1 = machine_busy()
    result.cpu["machine"] = (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]) * (os.cpu_count() or 1)
    result.load = (os.getloadavg()[0], sum(runnable) / max(1, len(runnable)))


def table(results: list[Result]) -> str:
    """The Markdown tables of the README: per stack, then per endpoint, then CPU."""
    out = ["| stack | clients | requests | requests/s | p50 | p99 | errors |", "|---" * 7 + "|"]
    for r in results:
        ms = [m for _, m in r.samples]
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(r.errors.items()) if v) or "0"
        out.append(f"| {r.stack} | {r.clients} | {r.requests} | {r.requests / r.seconds:.1f} | "
                   f"{percentile(ms, 0.5):.0f} ms | {percentile(ms, 0.99):.0f} ms | {errors} |")
    out += ["", "| stack | endpoint | requests | p50 | p99 |", "|---|---|---|---|---|"]
    for r in results:
        for endpoint in dict.fromkeys(e for e, _ in r.samples):  # in the order of a checkout
            ms = [m for e, m in r.samples if e == endpoint]
            out.append(f"| {r.stack} | {endpoint} | {len(ms)} | {percentile(ms, 0.5):.0f} ms | "
                       f"{percentile(ms, 0.99):.0f} ms |")
    parts = ("api", "worker", "moto", "client", "machine")
    out += ["", "| stack | cores used: " + " / ".join(parts) + " | API threads waiting for a core (mean) | "
            "load avg (1 min) at end | runnable tasks (mean) |", "|---|---|---|---|---|"]
    for r in results:
        used = " / ".join(f"{r.cpu[p]:.2f}" if p in r.cpu else "-" for p in parts)
        out.append(f"| {r.stack} | {used} | {r.cpu.get('api waits for a core', 0):.2f} | {r.load[0]:.2f} | "
                   f"{r.load[1]:.1f} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--stacks", default="embedded,full", help="comma-separated: embedded, full")
    parser.add_argument("--no-worker", action="store_true", help="the API alone, no render worker")
    args = parser.parse_args(argv)
    stacks = [s.strip() for s in args.stacks.split(",") if s.strip()]
    if unknown := set(stacks) - {"embedded", "full"}:
        parser.error(f"unknown stack(s): {', '.join(sorted(unknown))}")
    photo, results = make_photo(), []
    for kind in stacks:
        results.append(bench_stack(kind, args.clients, args.seconds, worker=not args.no_worker, photo=photo))
    print(f"\n{os.cpu_count()} cores, {args.clients} clients, {args.seconds:g} s per stack, photo "
          f"{len(photo) // 1024} KB, mix upload 1 : quote 2 : order 1 : reads 3\n")
    print(table(results))
    return 1 if any(r.error_count for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
