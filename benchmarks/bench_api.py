"""The HTTP API under load: gunicorn on 127.0.0.1 against PostgreSQL and Redis, load from
other processes on 127.0.0.1.

Run: .venv/bin/python benchmarks/bench_api.py   (about 3 minutes; needs PostgreSQL, Redis and
     Debian's wrk: `apt-get install -y wrk`). Options (--help lists them): --workers N
     (gunicorn sync workers, default 2 × cores + 1), --connections C, --seconds S and
     --rounds R (the GET rounds), --clients K and --submit-seconds S (the submission phase),
     --log-size N, --only get|submit, --quick (a smoke run of about a minute: a
     10,000-entry log, two pairs of 3-second rounds, 5 seconds of submission), --print-only,
     and --py-spy DIR to record py-spy profiles (collapsed stacks, one file a process) of the
     server during the measurements.

Set-up: database jv_bench_api recreated, Redis database 14 (BENCH_API_REDIS) of its own and
flushed, a temporary STATE_DIR. A log of --log-size entries is built in this process through
records_anchor, 1,000 `evidence` records with metadata a batch, integrated in-process; half
way, one more record: the document whose hash is verified. Then VACUUM ANALYZE, as
autovacuum would after such a load. gunicorn
serves judicial_verify.wsgi on a free port of 127.0.0.1 with the package
benchmarks/bench_api_site/: the product's settings, plus /bench/bare (a DRF view that returns
a constant, urls.py) and the run's own Celery queue; the redacting access log is on, as in
the Dockerfile. The throttle rates are raised through the environment (THROTTLE_ANON,
_LAWYER, _JUDGE, _NODE), so every request is still counted in Redis but none is refused: the
figures are the server's, not the throttle's.

1. GET /api/v1/verify?sha256=<the anchored hash> against GET /bench/bare: wrk, one thread,
   the same connections, --rounds pairs of rounds of --seconds each (verify, bare, verify,
   bare, ...) after a short warm-up of each. Each round's req/s and wrk's median and p99
   latency; the ratio of the totals, and the spread of the ratios of each pair.
2. Batch submission end to end: one Celery worker process (--pool=solo, the run's queue)
   integrates from Redis into PostgreSQL. A second process runs --clients threads, each
   POSTing batches of 1,000 new records (realistic `evidence` metadata) to /api/v1/entries
   with a node's token and ?wait=30, one after the other, starting batches for
   --submit-seconds. A 200 answer means every entry of the batch is in a published
   checkpoint (published at most once per CHECKPOINT_INTERVAL, default 1 s) and carries its
   receipt; the client checks both. Entries/s = entries so confirmed / wall time from the
   first request to the last answer.
"""

import argparse
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING, Any

import common

# judicial_verify is imported inside functions: only once common.arguments() has chosen the
# code to measure, and what needs Django only after common.django_setup().
if TYPE_CHECKING:
    from judicial_verify.records.services import AnchorItem

REDIS_URL = os.environ.get("BENCH_API_REDIS", "redis://127.0.0.1:6379/14")
DATABASE = common.database_name("api")
NODE_CODE = "bench-court"
TARGET = hashlib.sha256(b"bench_api: the document verified").hexdigest()
TARGET_METADATA = {
    "case_number": "(2026)京0105民初1号",
    "title": "Chat records, exported",
    "submitted_by": "Plaintiff's counsel",
    "collected_at": "2026-11-27T09:00:00+08:00",
}
# High enough that no request of the run is refused; every request is still counted.
THROTTLE = "1000000000/minute"
BATCH, WAIT = 1_000, 30
WARM_UP_SECONDS = 3
TARGET_RATIO, TARGET_P99_MS, TARGET_ENTRIES = 0.6, 50.0, 4_000
# The options that size a run, full and --quick; given on the command line, they win.
# Short GET rounds, many times over: a slow spell of the shared machine then falls on both
# views, where two long rounds each let it fall on one.
FULL = {"seconds": 10.0, "rounds": 4, "submit_seconds": 30.0, "log_size": 100_000}
QUICK = {"seconds": 3.0, "rounds": 2, "submit_seconds": 5.0, "log_size": 10_000}

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d,'
    .. ' "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


# The log


def log_item(n: int) -> "AnchorItem":
    """Record n of the log built before the measurements."""
    from judicial_verify.records.services import AnchorItem

    metadata = {**TARGET_METADATA, "case_number": f"(2025)京0105民初{n}号", "title": f"Item {n}"}
    name = f"bench_api log record {n}"
    return AnchorItem(
        kind="evidence", sha256=hashlib.sha256(name.encode()).hexdigest(), metadata=metadata
    )


def log_build(size: int) -> str:
    """Builds a log of `size` entries with the verified record half way; returns a node token."""
    from django.conf import settings

    from judicial_verify.celery import app
    from judicial_verify.ledger.publish import checkpoint_publish
    from judicial_verify.records.credentials import node_create
    from judicial_verify.records.services import AnchorItem, records_anchor

    app.conf.task_always_eager = True  # each call integrates what it submitted, in-process
    # ... and publishes it at once: the build is not measured, and need not wait out the
    # interval between checkpoints every call.
    interval, settings.CHECKPOINT_INTERVAL = settings.CHECKPOINT_INTERVAL, 0
    checkpoint_publish()
    node, token = node_create(code=NODE_CODE, name="Benchmark court")
    began, half = time.perf_counter(), size // 2
    for at in range(0, size - 1, BATCH):
        if at <= half < at + BATCH:
            item = AnchorItem(kind="evidence", sha256=TARGET, metadata=TARGET_METADATA)
            records_anchor(node=node, items=[item])
        count = min(BATCH, size - 1 - at)
        if count:
            # Records, as the API makes them: a log's entries each have one, and the
            # database plans the submission's look-ups by the tables' real sizes.
            records_anchor(node=node, items=[log_item(n) for n in range(at, at + count)])
    seconds = time.perf_counter() - began
    print(f"log of {size:,} entries built in {seconds:.1f} s", flush=True)
    app.conf.task_always_eager, settings.CHECKPOINT_INTERVAL = False, interval
    # Statistics for the planner, and the vacuum, that autovacuum would run within minutes
    # of such a load in service (and otherwise might run during the measurements). Without
    # statistics the planner plans for tables of unknown size, and a statement prepared once
    # per connection keeps that plan for every request.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return token


# The server and the worker


def server_env(queue: str) -> dict[str, str]:
    throttles = {f"THROTTLE_{role}": THROTTLE for role in ("ANON", "LAWYER", "JUDGE", "NODE")}
    return common.server_env(
        DJANGO_SETTINGS_MODULE="bench_api_site.settings", BENCH_API_QUEUE=queue, **throttles
    )


@contextmanager
def gunicorn(state_dir: Path, workers: int, queue: str) -> Iterator[common.Server]:
    with common.gunicorn(state_dir, workers, server_env(queue)) as server:
        warm_workers(server, workers)
        yield server


def warm_workers(server: common.Server, workers: int) -> None:
    """Requests from as many threads as there are workers, so that every worker has imported
    the URLconf and the views and opened its connections before anything is measured."""

    def get(_: int) -> None:
        for path in ("/bench/bare", f"/api/v1/verify?sha256={TARGET}", "/api/v1/log"):
            get_json(f"{server.base}{path}")

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(get, range(20 * workers)))


def py_spy_exe() -> str:
    return shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")


@contextmanager
def py_spy(out: Path | None, name: str, pids: Sequence[int], seconds: float) -> Iterator[None]:
    """Records a flame graph of each pid for `seconds` while the block runs (--py-spy)."""
    procs = []
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for pid in pids:
            # Collapsed stacks ("frame;frame;... count" lines): greppable, and flamegraph.pl
            # or speedscope draw them.
            command = [py_spy_exe(), "record", "--pid", str(pid), "--duration",
                       str(int(seconds)), "--rate", "200", "--format", "raw", "--nonblocking",
                       "--output", str(out / f"{name}-{pid}.txt")]  # fmt: skip
            procs.append(subprocess.Popen(command, stdout=subprocess.DEVNULL))
    try:
        yield
    finally:
        for proc in procs:
            proc.wait(timeout=seconds + 60)


# 1. GET /api/v1/verify beside the bare view


@dataclass(frozen=True)
class WrkRun:
    name: str
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    web_ms: float = 0.0  # CPU per request of the gunicorn workers
    postgres_ms: float = 0.0  # CPU per request of the run's PostgreSQL backends

    @property
    def cpu_ms(self) -> float:
        return self.web_ms + self.postgres_ms

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def row(self) -> list[object]:
        return [
            self.name,
            f"{self.requests:,}",
            f"{self.rate:,.0f}",
            f"{self.p50_ms:.1f}",
            f"{self.p90_ms:.1f}",
            f"{self.p99_ms:.1f}",
            f"{self.max_ms:.1f}",
            f"{self.cpu_ms:.2f} ({self.web_ms:.2f} + {self.postgres_ms:.2f})",
            self.non_2xx + self.socket_errors,
        ]


def wrk(name: str, url: str, seconds: float, connections: int, script: Path) -> WrkRun:
    command = ["wrk", "--threads", "1", "--connections", str(connections), "--duration",
               f"{seconds:g}s", "--timeout", "10s", "--script", str(script), url]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60)
    line = next(x for x in out.stdout.splitlines() if x.startswith("WRK_JSON "))
    d = json.loads(line.removeprefix("WRK_JSON "))
    run = WrkRun(
        name=name,
        requests=d["requests"],
        seconds=d["duration_us"] / 1e6,
        non_2xx=d["non_2xx"],
        socket_errors=d["socket_errors"],
        p50_ms=d["p50_us"] / 1e3,
        p90_ms=d["p90_us"] / 1e3,
        p99_ms=d["p99_us"] / 1e3,
        max_ms=d["max_us"] / 1e3,
    )
    print(f"{name:>7}: {run.rate:,.0f} req/s, p50 {run.p50_ms:.1f} ms, p99 {run.p99_ms:.1f} ms",
          flush=True)  # fmt: skip
    return run


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 (a URL of our own)
        return json.load(r)


def answers_check(server: common.Server) -> None:
    """Both URLs answer what they should before any load."""
    answer = get_json(f"{server.base}/api/v1/verify?sha256={TARGET}")
    entries = answer["entries"]
    if not answer["anchored"] or len(entries) != 1:
        raise SystemExit(f"verify does not find the one anchored entry: {answer}")
    if entries[0]["metadata"] is not None or not entries[0]["proof"]["hashes"]:
        raise SystemExit(f"verify answers the public wrongly: {entries[0]}")
    if get_json(f"{server.base}/bench/bare") != {"ok": True}:
        raise SystemExit("/bench/bare does not answer its constant")


def get_phase(
    server: common.Server, args: argparse.Namespace, state_dir: Path
) -> tuple[list[str], list[common.Figure]]:
    answers_check(server)
    script = state_dir / "report.lua"
    script.write_text(WRK_SCRIPT)
    urls = {
        "verify": f"{server.base}/api/v1/verify?sha256={TARGET}",
        "bare": f"{server.base}/bench/bare",
    }
    for name, url in urls.items():
        wrk(f"warm-up {name}", url, WARM_UP_SECONDS, args.connections, script)
    runs = []
    for round_ in range(args.rounds):
        for name, url in urls.items():
            profile = args.py_spy if round_ == 0 else None
            before = cpu_by_pid(server)
            with py_spy(profile, f"get-{name}", server.workers, args.seconds):
                run = wrk(name, url, args.seconds, args.connections, script)
            cpu = common.cpu_used(before, cpu_by_pid(server))
            per_request = {group: seconds / run.requests * 1e3 for group, seconds in cpu.items()}
            runs.append(
                replace(run, web_ms=per_request["web"], postgres_ms=per_request["postgres"])
            )
    return get_body(runs, args)


def get_body(
    runs: Sequence[WrkRun], args: argparse.Namespace
) -> tuple[list[str], list[common.Figure]]:
    def total(name: str) -> tuple[float, float, float, float]:
        mine = [r for r in runs if r.name == name]
        rate = sum(r.requests for r in mine) / sum(r.seconds for r in mine)
        cpu = sum(r.cpu_ms * r.requests for r in mine) / sum(r.requests for r in mine)
        return rate, median(r.p50_ms for r in mine), max(r.p99_ms for r in mine), cpu

    verify, bare = total("verify"), total("bare")
    ratio = verify[0] / bare[0]
    pairs = [v.rate / b.rate for v, b in zip(runs[::2], runs[1::2], strict=True)]
    met = ratio >= TARGET_RATIO and verify[2] < TARGET_P99_MS
    errors = sum(r.non_2xx + r.socket_errors for r in runs)
    header = ["view", "requests", "req/s", "median ms", "p90 ms", "p99 ms", "max ms",
              "CPU ms/request (gunicorn + PostgreSQL)", "errors"]  # fmt: skip
    figures = [
        common.Figure(
            name="GET /api/v1/verify ÷ bare DRF view, req/s",
            value=ratio,
            shown=f"{ratio:.2f} ({verify[0]:,.0f} ÷ {bare[0]:,.0f})",
            target=f"≥ {TARGET_RATIO:g}",
            met=ratio >= TARGET_RATIO,
        ),
        common.Figure(
            name="GET /api/v1/verify, p99 (worst round)",
            value=verify[2],
            shown=f"{verify[2]:.1f} ms",
            target=f"< {TARGET_P99_MS:g} ms",
            met=verify[2] < TARGET_P99_MS,
            higher_is_better=False,
        ),
    ]
    lines = [
        f"GET /api/v1/verify?sha256= (an anchored `evidence` record at index"
        f" ~{args.log_size // 2:,} of a {args.log_size:,}-entry log; anonymous, so public"
        f" fields, inclusion proof and checkpoint) against GET /bench/bare (a DRF view"
        f" returning a constant), gunicorn {args.workers} sync workers, wrk 1 thread ×"
        f" {args.connections} connections, rounds of {args.seconds:g} s, verify then bare,"
        f" {args.rounds} times:",
        "",
        *common.table(header, [r.row for r in runs]),
        "",
        *common.table(
            [
                "",
                "req/s (all rounds)",
                "median ms (median of rounds)",
                "p99 ms (worst round)",
                "CPU ms/request",
            ],
            [
                [name, f"{t[0]:,.0f}", f"{t[1]:.1f}", f"{t[2]:.1f}", f"{t[3]:.2f}"]
                for name, t in (("verify", verify), ("bare", bare))
            ],
        ),  # fmt: skip
        "",
        f"verify ÷ bare: {ratio:.2f} (each pair of rounds: {min(pairs):.2f} to {max(pairs):.2f},"
        f" median {median(pairs):.2f}). Target ≥{TARGET_RATIO} of the bare view's req/s and p99"
        f" <{TARGET_P99_MS:g} ms: {common.verdict(met, args)}. Non-2xx answers and socket"
        f" errors: {errors}. CPU per request (gunicorn workers and the run's PostgreSQL"
        f" backends, measured per round), bare ÷ verify: {bare[3] / verify[3]:.2f}, the ratio"
        " of rates the two would reach with the cores to themselves.",
    ]
    return lines, figures


# 2. Batch submission over HTTP until in a signed checkpoint


def batch_body(client: int, number: int) -> bytes:
    """A batch of BATCH new `evidence` records, distinct across clients and batches."""
    records = []
    for i in range(BATCH):
        name = f"bench_api client {client} batch {number} record {i}"
        records.append(
            {
                "kind": "evidence",
                "sha256": hashlib.sha256(name.encode()).hexdigest(),
                "metadata": {
                    "case_number": f"(2026)京0105民初{client * 100_000 + number}号",
                    "title": f"Exhibit {i + 1}",
                    "submitted_by": "Plaintiff's counsel",
                    "collected_at": "2026-11-27T09:00:00+08:00",
                },
            }
        )
    return json.dumps(records).encode()


def client_loop(
    base: str, token: str, client: int, until: float, out: list[dict[str, Any]]
) -> None:
    """POSTs batches one after the other, starting new ones until `until` (monotonic)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=WAIT + 60)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    number = 0
    while number == 0 or time.monotonic() < until:  # at least one batch
        body = batch_body(client, number)
        started = time.monotonic()
        conn.request("POST", f"/api/v1/entries?wait={WAIT}", body, headers)
        response = conn.getresponse()
        data = response.read()
        returned = time.monotonic()
        entries = json.loads(data).get("entries", []) if response.status in (200, 202) else []
        confirmed = sum(1 for e in entries if e["status"] == "integrated" and e.get("receipt"))
        out.append(
            {
                "status": response.status,
                "started": started,
                "returned": returned,
                "records": len(entries),
                "confirmed": confirmed if response.status == 200 else 0,
                "bytes": len(data),
            }
        )
        number += 1
    conn.close()


def client_main(base: str, token: str, clients: int, seconds: float, first: int) -> None:
    """The load process: `clients` threads; prints every call as JSON."""
    until = time.monotonic() + seconds
    out: list[dict[str, Any]] = []
    threads = [
        threading.Thread(target=client_loop, args=(base, token, first + c, until, out))
        for c in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    json.dump({"calls": out, "cpu": time.process_time()}, sys.stdout)


def clients_run(
    server: common.Server, token: str, clients: int, seconds: float, first: int
) -> tuple[list[dict[str, Any]], float]:
    """Runs the load process; returns its calls and the CPU seconds it used."""
    command = [sys.executable, str(Path(__file__)), "--client", server.base, str(clients),
               str(seconds), str(first)]  # fmt: skip
    env = {**os.environ, "BENCH_API_TOKEN": token}  # not on the command line
    out = subprocess.run(
        command, env=env, capture_output=True, text=True, check=True, timeout=seconds + 4 * WAIT
    )
    result = json.loads(out.stdout)
    return result["calls"], result["cpu"]


def cpu_by_pid(
    server: common.Server, worker: subprocess.Popen[bytes] | None = None
) -> common.CpuReading:
    """CPU seconds so far of the gunicorn workers, the Celery worker and the run's PostgreSQL
    backends (only those on this machine: BENCH_POSTGRES elsewhere is not counted)."""
    return common.cpu_by_pid(
        {
            "web": server.workers,
            "worker": [worker.pid] if worker else [],
            "postgres": common.postgres_backends(DATABASE),
        }
    )


def submit_phase(
    server: common.Server, token: str, state_dir: Path, queue: str, args: argparse.Namespace
) -> tuple[list[str], list[common.Figure]]:
    from judicial_verify.ledger.read import checkpoint_latest

    settings = {"DJANGO_SETTINGS_MODULE": "judicial_verify.settings"}
    with common.celery_worker(state_dir, queue, **settings) as worker:
        # One batch from each worker's side: the worker and every connection started up.
        warm, _ = clients_run(server, token, args.workers, 0.001, first=10_000)
        if {c["status"] for c in warm} != {200}:
            raise SystemExit(f"a warm-up batch was not integrated in time: {warm}")
        before = checkpoint_latest().size
        cpu_before, wall_before = cpu_by_pid(server, worker), time.monotonic()
        with py_spy(args.py_spy, "submit", [*server.workers, worker.pid], args.submit_seconds):
            calls, client_cpu = clients_run(
                server, token, args.clients, args.submit_seconds, first=0
            )
        cpu = common.cpu_used(cpu_before, cpu_by_pid(server, worker))
        cpu["load process"] = client_cpu
        wall = time.monotonic() - wall_before
    added = checkpoint_latest().size - before
    return submit_body(calls, added, cpu, wall, args)


def submit_body(
    calls: Sequence[dict[str, Any]],
    added: int,
    cpu: dict[str, float],
    wall: float,
    args: argparse.Namespace,
) -> tuple[list[str], list[common.Figure]]:
    confirmed = sum(c["confirmed"] for c in calls)
    seconds = max(c["returned"] for c in calls) - min(c["started"] for c in calls)
    rate = confirmed / seconds
    statuses = sorted({c["status"] for c in calls})
    answers = ", ".join(f"{s} ×{sum(c['status'] == s for c in calls)}" for s in statuses)
    size = median(c["bytes"] for c in calls) / 1e6
    ok = [c for c in calls if c["status"] == 200]
    q = common.quantiles_ms([c["returned"] - c["started"] for c in ok]) if len(ok) > 1 else None
    batches = len(ok) or 1
    cores = os.cpu_count() or 1
    ceiling = cores / (sum(cpu.values()) / batches)
    met = rate >= TARGET_ENTRIES and statuses == [200]
    row = [
        len(calls),
        f"{confirmed:,}",
        f"{seconds:.1f}",
        f"{rate:,.0f}",
        *([f"{q[k]:,.0f}" for k in ("median", "p90", "p99", "max")] if q else ["-"] * 4),
    ]
    header = ["batches", "entries confirmed", "seconds", "entries/s", "median ms", "p90 ms",
              "p99 ms", "max ms"]  # fmt: skip
    figure = common.Figure(
        name="batch submission end to end (POST /api/v1/entries?wait, 1,000 a batch)",
        value=rate,
        shown=f"{rate:,.0f} entries/s",
        target=f"≥ {TARGET_ENTRIES:,} entries/s",
        met=met,
    )
    lines = [
        f"Batch submission end to end: {args.clients} client threads in a second process, each"
        f" POSTing batches of {BATCH:,} new `evidence` records with metadata to"
        f" /api/v1/entries?wait={WAIT} (a node's token) one after the other for"
        f" {args.submit_seconds:g} s; a batch counts when it answers 200 with every entry"
        f" integrated and its receipt. One Celery worker (--pool=solo) on Redis integrates;"
        f" gunicorn {args.workers} sync workers; PostgreSQL:",
        "",
        *common.table(header, [row]),
        "",
        f"Target ≥{TARGET_ENTRIES:,} entries/s: {common.verdict(met, args)} ({rate:,.0f}).",
        f"Answers: {answers}; {added:,} entries added to the log during the phase; median"
        f" answer {size:.1f} MB (the receipts).",
        "",
        f"CPU seconds per 1,000-entry batch, over the {wall:.1f} s of the phase"
        f" ({os.cpu_count()} cores: {(os.cpu_count() or 1) * wall:.0f} core-seconds, shared"
        f" with whatever else the machine ran):",
        "",
        *common.table(
            ["gunicorn workers", "Celery worker", "PostgreSQL backends", "load process", "all"],
            [
                [f"{cpu[k] / batches:.3f}" for k in ("web", "worker", "postgres", "load process")]
                + [f"{sum(cpu.values()) / batches:.3f}"]
            ],
        ),  # fmt: skip
        "",
        f"The run's processes used {sum(cpu.values()):.1f} of those core-seconds. With the"
        f" cores to themselves they would be CPU-bound at {cores} ÷"
        f" {sum(cpu.values()) / batches:.3f} = {ceiling:.1f} batches/s, about"
        f" {ceiling * BATCH:,.0f} entries/s: a projection from the CPU used, not a measurement.",
    ]
    return lines, [figure]


# Main


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.workers_option(p)
    p.add_argument("--connections", type=int, default=10, help="wrk's, in the GET rounds (10)")
    sized = {
        "seconds": "seconds of each GET round",
        "rounds": "pairs of GET rounds, verify then bare",
        "submit_seconds": "seconds of the submission phase",
        "log_size": "entries in the log built first",
    }
    common.sized_options(p, FULL, QUICK, sized)
    # A client waiting for publication gets at most one batch a CHECKPOINT_INTERVAL, so
    # the log's throughput shows only with more clients than target × interval ÷ batch
    # (4 at 4,000 entries/s); one more than that, and no more than the server's workers,
    # each of which a waiting call holds.
    p.add_argument("--clients", type=int, default=5, help="submitting threads (5)")
    p.add_argument("--only", choices=["get", "submit"], help="one of the two phases")
    p.add_argument("--py-spy", type=Path, help="a folder for py-spy profiles of the server")
    p.add_argument("--client", nargs=4, help=argparse.SUPPRESS)  # the load process
    args = common.arguments(p)
    common.sized_defaults(args, FULL, QUICK)
    if not args.quick and (args.seconds < 10 or args.submit_seconds < 20 or args.rounds < 2):
        p.error("rounds last at least 10 s, two pairs of them, and the submission phase 20 s")
    return args


def main() -> None:
    args = arguments()
    if args.client:
        base, clients, seconds, first = args.client
        client_main(base, os.environ["BENCH_API_TOKEN"], int(clients), float(seconds), int(first))
        return
    if shutil.which("wrk") is None and args.only != "submit":
        raise SystemExit(
            "bench_api: wrk is not installed. Install Debian's: apt-get install -y wrk"
        )
    import redis

    common.REDIS_URL = REDIS_URL  # the run's own database, for the set-up and the description
    redis.Redis.from_url(REDIS_URL).flushdb()  # throttle windows and queues of an earlier run
    machine = common.machine_description()
    state_dir = common.django_setup(DATABASE, redis=True)
    token = log_build(args.log_size)
    queue = f"bench-api-{uuid.uuid4().hex}"
    body = [
        f"Throttle rates raised through the environment to {THROTTLE} (every request still"
        " counted in Redis); redacting access log on, as in the Dockerfile.",
        "",
    ]
    figures: list[common.Figure] = []
    try:
        with gunicorn(state_dir, args.workers, queue) as server:
            if args.only != "submit":
                lines, found = get_phase(server, args, state_dir)
                body += [*lines, ""]
                figures += found
            if args.only != "get":
                lines, found = submit_phase(server, token, state_dir, queue, args)
                body += lines
                figures += found
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()
    common.report("bench_api", machine, body, figures, args)


if __name__ == "__main__":
    main()
