"""Fleet throughput: print files per hour and per CPU-hour through the real worker path.

    .venv/bin/python bench/fleet.py [--workers 1,2] [--jobs 6] [--product poster-50x70] [--mp 24]

Starts the embedded stack as real processes (`printline api`, and 1 or 2 `printline worker`
processes, each a Celery worker with its prefork child; the first also runs the outbox relay;
SQLite, local files and the file-based broker under a temporary var dir), uploads one photo and
submits `--jobs` orders of one item each through the API (POST /v1/orders), then polls each job
until it is rendered. Per worker count: wall time from the first order to the last job done,
print files per hour, and the CPU the worker process trees used (user + sys from /proc, so only
our processes count on a shared machine): print files per CPU-hour.

Then the service path against the CLI for one job on an idle worker: order accepted -> job done,
against one `printline render` of the same item (best of `--single` each).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "printline.cli"]
DONE = {"approved", "qa_pending", "failed", "rendered"}
TICKS = os.sysconf("SC_CLK_TCK")


def _bench_render():
    spec = importlib.util.spec_from_file_location("bench_render", ROOT / "bench" / "render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tree_cpu(root: int) -> float:
    """User + sys seconds of `root` and every live descendant (plus what they reaped)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        times[pid] = sum(int(v) for v in fields[11:15]) / TICKS  # utime stime cutime cstime
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += times.get(pid, 0.0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total


def tree_pids(root: int) -> list[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return found


class Api:
    def __init__(self, base: str, key: str) -> None:
        self.base, self.key = base, key

    def call(self, method: str, path: str, body: bytes | None = None, ctype: str | None = None,
             headers: dict | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("Authorization", f"Bearer {self.key}")
        if ctype:
            request.add_header("Content-Type", ctype)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


def order(upload_id: str, n: int, product: str) -> dict:
    return {"external_id": f"MP-BENCH-{n:06d}", "market": "DE", "language": "de", "currency": "EUR",
            "customer": {"type": "b2c", "email": "bench@example.org"},
            "shipping_address": {"name": "Bench", "street": "Hauptstr. 1", "postal_code": "80331",
                                 "city": "München", "country": "DE"},
            "items": [{"product": product, "quantity": 1, "image": {"upload_id": upload_id}}]}


class Stack:
    """The embedded stack: API + `workers` worker processes, in a temporary var dir."""

    def __init__(self, workers: int, tmp: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PRINTLINE_")}
        port = 18000 + os.getpid() % 1000
        self.env.update(PRINTLINE_VAR_DIR=str(tmp / "var"), PRINTLINE_API_PORT=str(port),
                        PRINTLINE_LOG_LEVEL="WARNING", PRINTLINE_QUEUE=f"bench.render.{os.getpid()}")
        subprocess.run([*CLI, "db", "upgrade"], env=self.env, check=True, capture_output=True)
        created = subprocess.run([*CLI, "keys", "create", "--brand", "myposter", "--role", "admin"],
                                 env=self.env, check=True, capture_output=True, text=True)
        self.api = Api(f"http://127.0.0.1:{port}", created.stdout.strip().splitlines()[-1])
        logs = tmp / "logs"
        logs.mkdir()
        self.procs = [subprocess.Popen([*CLI, "api"], env=self.env, stdout=(logs / "api.log").open("w"),
                                       stderr=subprocess.STDOUT)]
        self.workers = []
        for i in range(workers):
            env = {**self.env, "PRINTLINE_RELAY": "true" if i == 0 else "false"}
            proc = subprocess.Popen([*CLI, "worker"], env=env, stdout=(logs / f"worker{i}.log").open("w"),
                                    stderr=subprocess.STDOUT)
            self.workers.append(proc)
        self.procs += self.workers
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.api.base + "/readyz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        time.sleep(3)  # the workers' start-up (imports, broker) before the clock runs

    def cpu(self) -> float:
        return sum(tree_cpu(w.pid) for w in self.workers)

    def peak_mb(self) -> tuple[float, float]:
        """The largest peak RSS (VmHWM) of one process under the workers, and of one worker tree."""
        one, tree = 0.0, 0.0
        for worker in self.workers:
            total = 0.0
            for pid in tree_pids(worker.pid):
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                hwm = next((int(line.split()[1]) / 1024 for line in status.splitlines()
                            if line.startswith("VmHWM:")), 0.0)
                one, total = max(one, hwm), total + hwm
            tree = max(tree, total)
        return one, tree

    def close(self) -> None:
        for proc in self.procs:  # only the processes this benchmark started
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def submit_and_wait(stack: Stack, upload_id: str, first: int, count: int, product: str) -> list[float]:
    """Submit `count` orders, wait for all their jobs; each job's seconds from its order to done."""
    started, jobs = {}, []
    for n in range(first, first + count):
        t = time.perf_counter()
        status, body = stack.api.call("POST", "/v1/orders", json.dumps(order(upload_id, n, product)).encode(),
                                      "application/json", {"Idempotency-Key": f"bench-{n}"})
        if status not in (200, 201):
            raise SystemExit(f"order refused: {status} {body}")
        job = body["items"][0]["job_id"]
        started[job] = t
        jobs.append(job)
    finished: dict[str, float] = {}
    deadline = time.time() + 120 + 60 * count
    while len(finished) < len(jobs) and time.time() < deadline:
        for job in jobs:
            if job not in finished:
                _, state = stack.api.call("GET", f"/v1/jobs/{job}")
                if state.get("state") in DONE:
                    finished[job] = time.perf_counter()
        time.sleep(0.2)
    if len(finished) < len(jobs):
        raise SystemExit("jobs did not finish in time")
    return [finished[j] - started[j] for j in jobs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--jobs", type=int, default=6)
    parser.add_argument("--single", type=int, default=3, help="single-job runs for the service overhead")
    parser.add_argument("--product", default="poster-50x70")
    parser.add_argument("--mp", type=int, default=24)
    args = parser.parse_args()
    bench = _bench_render()
    photo = bench.make_photo(args.mp)
    rows, single_service = [], []
    n = 0
    for workers in (int(w) for w in args.workers.split(",")):
        with tempfile.TemporaryDirectory(prefix="bench-fleet-") as tmp:
            stack = Stack(workers, Path(tmp))
            try:
                status, upload = stack.api.call("POST", "/v1/uploads", photo.read_bytes(), "image/jpeg")
                if status != 201:
                    raise SystemExit(f"upload refused: {status} {upload}")
                if workers == 1:  # one job at a time on an idle worker: the service path's latency
                    for _ in range(args.single):
                        single_service.append(submit_and_wait(stack, upload["id"], n, 1, args.product)[0])
                        n += 1
                cpu0, t0 = stack.cpu(), time.perf_counter()
                submit_and_wait(stack, upload["id"], n, args.jobs, args.product)
                wall, cpu = time.perf_counter() - t0, stack.cpu() - cpu0
                one, tree = stack.peak_mb()
                n += args.jobs
            finally:
                stack.close()
        rows.append((workers, args.jobs, wall, cpu, one, tree))
        print(f"{workers} worker(s): {args.jobs} jobs in {wall:.1f} s, {cpu:.1f} CPU s", file=sys.stderr, flush=True)
    cli = []
    for _ in range(args.single):
        with tempfile.TemporaryDirectory(prefix="bench-fleet-cli-") as tmp:
            wall, _, _ = bench._run([str(ROOT / ".venv" / "bin" / "printline"), "render", "--product",
                                     args.product, "--image", str(photo), "--out", tmp])
            cli.append(wall)
    print(f"\n{args.product} from {args.mp} MP, embedded stack (SQLite, local files, file broker), "
          f"{os.cpu_count()} cores\n")
    print("| workers | jobs | wall | print files / hour | CPU s / print file | print files / CPU-hour "
          "| peak RSS: render process / worker tree |")
    print("|---|---|---|---|---|---|---|")
    for workers, jobs, wall, cpu, one, tree in rows:
        print(f"| {workers} | {jobs} | {wall:.1f} s | {jobs / wall * 3600:.0f} | {cpu / jobs:.2f} | "
              f"{jobs / cpu * 3600:.0f} | {one:.0f} MB / {tree:.0f} MB |")
    if single_service:
        s, c = min(single_service), min(cli)
        print(f"\none job, idle worker: service (order -> job done) best {s:.2f} s, median "
              f"{statistics.median(single_service):.2f} s; `printline render` best {c:.2f} s, median "
              f"{statistics.median(cli):.2f} s; overhead {100 * (s / c - 1):+.0f} % (best), "
              f"{100 * (statistics.median(single_service) / statistics.median(cli) - 1):+.0f} % (median)")


if __name__ == "__main__":
    main()
