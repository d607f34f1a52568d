"""What every benchmark shares: its arguments, its own database, Django set up on it,
entries, servers on loopback and the CPU they use, the machine description and its part of
RESULTS.md.

A benchmark never touches the test databases others use: it drops and recreates its own
(`jv_bench_<name>`; BENCH_DATABASE_PREFIX replaces `jv_bench_`) through the `postgres`
maintenance database before each run, so every run starts from an empty log. Nothing from
Django or judicial_verify is imported before `arguments()` has put the code measured on
sys.path: this checkout's, or another's with `--code DIR` (compare.py measures an older
commit so, with this checkout's scripts).
"""

import argparse
import atexit
import hashlib
import json
import logging
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import results

if TYPE_CHECKING:
    from judicial_verify.tlog.entry import Entry

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "RESULTS.md"
# The checkout whose judicial_verify is measured: this one unless --code names another.
CODE = REPO

# The server, without a database name; BENCH_POSTGRES overrides it on another machine.
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# A Redis database of its own, so a run's queue and cache keys never meet other users'.
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13")
# What the names of the databases a run recreates begin with (jv_bench_api, ...): another
# prefix lets several people benchmark on one PostgreSQL server without meeting.
DATABASE_PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "jv_bench_")
# Seconds a server started by a run has to answer /health.
READY_SECONDS = 60

# One fixed salt and time: entries differ only by their number, so runs are comparable.
_META = hashlib.sha256(b"benchmark metadata").hexdigest()
_TIME = "2026-11-27T09:00:00.000Z"


def database_name(name: str) -> str:
    """The name of a run's database `name`: jv_bench_<name> unless BENCH_DATABASE_PREFIX says
    otherwise."""
    return DATABASE_PREFIX + name


def state_dir_make(prefix: str) -> Path:
    """A temporary STATE_DIR (mode 0700, as mkdtemp makes it), removed when the run ends: it
    holds signing keys."""
    state_dir = Path(tempfile.mkdtemp(prefix=f"{prefix}-"))
    atexit.register(shutil.rmtree, state_dir, ignore_errors=True)
    return state_dir


def database_recreate(name: str) -> str:
    """Drops and recreates database `name` (empty); returns its URL."""
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        # FORCE: a worker left over from an interrupted run must not keep the old one alive.
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{POSTGRES}/{name}"


def django_setup(database: str, *, redis: bool = False) -> Path:
    """Creates database `database` afresh, starts Django on it with a temporary STATE_DIR
    (so a fresh signing key) and migrates it; returns the STATE_DIR."""
    state_dir = state_dir_make(database)
    os.environ["DJANGO_SETTINGS_MODULE"] = "judicial_verify.settings"
    os.environ["DATABASE_URL"] = database_recreate(database)
    os.environ["STATE_DIR"] = str(state_dir)
    os.environ["LOG_LEVEL"] = "WARNING"  # the integrator logs every batch at INFO
    if redis:
        os.environ["REDIS_URL"] = REDIS_URL
    else:
        os.environ.pop("REDIS_URL", None)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return state_dir


@contextmanager
def celery_worker(state_dir: Path, queue: str, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """One Celery worker process (--pool=solo) consuming only `queue`, logging to STATE_DIR's
    worker.log, in this process's environment (DATABASE_URL, REDIS_URL, STATE_DIR: the run's)
    with `env` over it."""
    log = (state_dir / "worker.log").open("w")
    command = [sys.executable, "-m", "celery", "-A", "judicial_verify", "worker", "--pool=solo",
               "-Q", queue, "-n", f"{queue}@%h", "--loglevel=WARNING"]  # fmt: skip
    proc = subprocess.Popen(command, cwd=CODE, env={**os.environ, "LOG_LEVEL": "WARNING", **env},
                            stdout=log, stderr=log)  # fmt: skip
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.close()


# Servers on loopback, and the CPU their processes use


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@dataclass(frozen=True)
class Server:
    base: str
    proc: subprocess.Popen[bytes]

    @property
    def workers(self) -> list[int]:
        return children(self.proc.pid)


def server_env(**env: str) -> dict[str, str]:
    """A server's environment: this process's (DATABASE_URL, STATE_DIR, ...: the run's), served
    over plain HTTP on loopback, logging warnings only, with `env` over it."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "judicial_verify.settings",
        "DEPLOYMENT": "development",  # production would redirect plain HTTP to HTTPS
        "LOG_LEVEL": "WARNING",
        **env,
    }


@contextmanager
def gunicorn(
    state_dir: Path, workers: int, env: Mapping[str, str], *, name: str = "gunicorn"
) -> Iterator[Server]:
    """gunicorn serving judicial_verify.wsgi with `workers` sync workers on a free port of
    127.0.0.1, in environment `env` (see server_env), with the redacting access log on as in
    the Dockerfile; logs to `name`.log and `name`-access.log in state_dir. Yields it once
    every worker runs and /health answers."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--no-control-socket",
               "--pythonpath", str(REPO / "benchmarks"),
               "--access-logfile", str(state_dir / f"{name}-access.log"),
               "--logger-class", "judicial_verify.access_log.Logger",
               "judicial_verify.wsgi"]  # fmt: skip
    log = (state_dir / f"{name}.log").open("w")
    proc = subprocess.Popen(command, cwd=CODE, env=dict(env), stdout=log, stderr=log)
    server = Server(f"http://127.0.0.1:{port}", proc)
    try:
        _wait_ready(server, workers, state_dir / f"{name}.log")
        yield server
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.close()


def _wait_ready(server: Server, workers: int, log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise SystemExit(f"gunicorn stopped while starting: see {log}")
        try:
            with urllib.request.urlopen(f"{server.base}/health", timeout=2) as r:  # noqa: S310
                if r.status == 200 and len(server.workers) == workers:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /health within {READY_SECONDS} s")


def postgres_backends(database: str) -> list[int]:
    """The PostgreSQL server processes serving connections to `database`."""
    out = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            title = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            out.append(int(proc.name))
    return out


CpuReading = dict[str, dict[int, float]]


def cpu_by_pid(groups: Mapping[str, Sequence[int]]) -> CpuReading:
    """CPU seconds so far of each group's processes (a process that ended meanwhile, such as a
    PostgreSQL backend, is left out)."""
    out: CpuReading = {}
    for name, pids in groups.items():
        out[name] = {}
        for pid in pids:
            try:
                out[name][pid] = cpu_seconds(pid)
            except OSError:
                pass
    return out


def cpu_used(before: CpuReading, after: CpuReading) -> dict[str, float]:
    """CPU seconds each group used between two readings (a process new since counts whole;
    one that ended meanwhile is not counted)."""
    return {
        name: sum(t - before.get(name, {}).get(pid, 0.0) for pid, t in pids.items())
        for name, pids in after.items()
    }


def arguments(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """Adds the options every benchmark has, parses the command line, and puts the code to
    measure on sys.path (and on PYTHONPATH, for the servers and workers a run starts)."""
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run with smaller sizes and durations, under two minutes; printed, and"
        " recorded only with --record (its figures are not at the targets' conditions)",
    )
    parser.add_argument(
        "--print-only", action="store_true", help="print the run, record nothing in RESULTS.md"
    )
    parser.add_argument("--record", action="store_true", help="record a --quick run too")
    parser.add_argument(
        "--code",
        type=Path,
        metavar="DIR",
        help="measure the judicial_verify of another checkout (a git worktree of an older"
        " commit) with these scripts; such a run is printed, never recorded",
    )
    parser.add_argument(
        "--figures", type=Path, metavar="FILE", help="also write the run's figures as JSON here"
    )
    args = parser.parse_args()
    if args.code is not None and args.record:
        parser.error("a run of another checkout's code (--code) is never recorded")
    if args.code is not None and not (args.code / "judicial_verify").is_dir():
        parser.error(f"{args.code} holds no judicial_verify package")
    code_use((args.code or REPO).resolve())
    return args


Sizes = Mapping[str, int | float]


def _shown(value: int | float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def sized_options(
    parser: argparse.ArgumentParser, full: Sizes, quick: Sizes, what: Mapping[str, str]
) -> None:
    """Adds an option for each of `what`'s names (log_size: --log-size), sizing the run:
    given on the command line it wins, else sized_defaults sets the full or --quick size."""
    for name, about in what.items():
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            type=type(full[name]),
            help=f"{about} ({_shown(full[name])}; {_shown(quick[name])} with --quick)",
        )


def sized_defaults(args: argparse.Namespace, full: Sizes, quick: Sizes) -> None:
    """Gives each sizing option not on the command line its full or --quick size."""
    for name, value in (quick if args.quick else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)


def workers_option(parser: argparse.ArgumentParser) -> None:
    """--workers: the gunicorn sync workers of a run's server, 2 × cores + 1 by default."""
    default = 2 * (os.cpu_count() or 1) + 1
    parser.add_argument(
        "--workers", type=int, default=default, help="gunicorn sync workers (2 × cores + 1)"
    )


def code_use(code: Path) -> None:
    """Makes `code` the checkout measured: first on this process's sys.path, and on the
    PYTHONPATH of every process the run starts."""
    global CODE
    CODE = code
    sys.path.insert(0, str(code))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(code), *filter(None, [os.environ.get("PYTHONPATH")])]
    )


def recorded(args: argparse.Namespace) -> bool:
    """Whether this run's figures go into RESULTS.md."""
    return not args.print_only and args.code is None and (args.record or not args.quick)


def integration_by_hand() -> None:
    """Makes entries_submit queue its integration task on the in-memory broker, which no
    worker consumes, instead of running it in-process at once (the embedded default): the
    caller integrates, when and in what batches it chooses."""
    from judicial_verify.celery import app

    app.conf.task_always_eager = False
    logging.getLogger("kombu").setLevel(logging.ERROR)  # memory:// warns "no hostname"


def entries_make(start: int, count: int) -> list["Entry"]:
    """Entries start..start+count-1: each a distinct document hash, otherwise alike."""
    from judicial_verify.tlog.entry import Entry

    return [
        Entry(
            kind="evidence",
            sha256=hashlib.sha256(f"document {n}".encode()).hexdigest(),
            node="bench-court",
            time=_TIME,
            meta=_META,
        )
        for n in range(start, start + count)
    ]


def entry_bytes(start: int, count: int) -> list[bytes]:
    """The leaf data of entries start..start+count-1, exactly as the ledger stores them."""
    from judicial_verify.tlog.entry import encode_entry

    return [encode_entry(e) for e in entries_make(start, count)]


# Growing a log through the real write path: entries_submit calls of this many entries,
# integrated in batches of this many, with at most a chunk pending at a time.
FILL_SUBMIT, FILL_BATCH, FILL_CHUNK = 1_000, 10_000, 100_000


def log_fill(start: int, stop: int) -> float:
    """Grows the log from `start` to `stop` entries (entries_make's) through the real write
    path, integrating by hand (see integration_by_hand), and publishes them; returns the fill
    rate in entries/s (of the integration: the publication waits out CHECKPOINT_INTERVAL)."""
    from judicial_verify.ledger.integrate import log_integrate
    from judicial_verify.ledger.publish import log_publish
    from judicial_verify.ledger.submit import entries_submit

    began = time.perf_counter()
    for chunk in range(start, stop, FILL_CHUNK):
        chunk_stop = min(chunk + FILL_CHUNK, stop)
        for at in range(chunk, chunk_stop, FILL_SUBMIT):
            entries_submit(entries=entries_make(at, min(FILL_SUBMIT, chunk_stop - at)))
        log_integrate(batch_size=FILL_BATCH)
    rate = (stop - start) / (time.perf_counter() - began)
    log_publish()  # what is read, proved and mirrored is what is published
    print(f"filled {start:,} -> {stop:,} at {rate:,.0f} entries/s", flush=True)
    return rate


def timed(fn: Callable[[], object]) -> float:
    """Returns the wall time of one call of fn, in seconds."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def quantiles_ms(samples: Sequence[float]) -> dict[str, float]:
    """Median, p90, p99 and max of samples given in seconds, in milliseconds."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "median": statistics.median(samples) * 1e3,
        "p90": cuts[89] * 1e3,
        "p99": cuts[98] * 1e3,
        "max": max(samples) * 1e3,
    }


def _first_line(path: str, prefix: str) -> str:
    for line in Path(path).read_text().splitlines():
        if line.startswith(prefix):
            return line.split(":", 1)[1].strip()
    return "unknown"


def _versions() -> tuple[str, str]:
    import psycopg
    import redis

    with psycopg.connect(f"{POSTGRES}/postgres") as conn:
        row = conn.execute("SHOW server_version").fetchone()
    postgres = row[0] if row else "unknown"
    try:
        info = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).info("server")
        redis_version = str(info["redis_version"])
    except redis.RedisError:
        redis_version = "not reachable"
    return postgres, redis_version


def _git(*args: str) -> str:
    out = subprocess.run(["git", *args], cwd=CODE, capture_output=True, text=True, check=True)  # noqa: S607
    return out.stdout.strip()


def _commit() -> str:
    """The commit measured (--code's, if given), marked when the product code differs from it
    (others' work in progress elsewhere in the tree does not count)."""
    try:
        commit = _git("rev-parse", "--short", "HEAD")
        changed = _git("status", "--porcelain", "--", "judicial_verify")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" with uncommitted changes in judicial_verify/" if changed else "")


def _cpu() -> str:
    return f"{_first_line('/proc/cpuinfo', 'model name')}, {os.cpu_count()} cores"


def machine_description() -> list[str]:
    """The facts a reader needs to compare figures across runs and machines."""
    postgres, redis_version = _versions()
    mem_kib = int(_first_line("/proc/meminfo", "MemTotal").split()[0])
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- Date: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"- CPU: {_cpu()}",
        f"- RAM: {mem_kib / 2**20:.1f} GiB",
        f"- Python {platform.python_version()}, PostgreSQL {postgres}, Redis {redis_version}",
        f"- Code: {_commit()}; load average before the run: {load}",
    ]


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


@dataclass(frozen=True)
class Figure:
    """A run's figure for one target: `value`, shown as `shown`, against `target`."""

    name: str
    value: float
    shown: str
    target: str
    met: bool
    higher_is_better: bool = True


def verdict(met: bool, args: argparse.Namespace) -> str:
    """How a target's line says whether it was met."""
    said = "met" if met else "NOT met"
    return f"{said} (a --quick run: not the target's conditions)" if args.quick else said


FIGURES_HEADER = ["benchmark", "figure", "target", "measured", "met?", "date", "commit", "machine"]


def report(
    name: str,
    machine: Sequence[str],
    body: Sequence[str],
    figures: Sequence[Figure],
    args: argparse.Namespace,
) -> None:
    """Prints a run; unless it is not to be recorded (see `recorded`), makes it `name`'s
    section of RESULTS.md and its figures `name`'s rows of the table of current figures (in
    place of the rows of the same figures; rows of figures it no longer has are removed)."""
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = _commit()
    quick = " (--quick)" if args.quick else ""
    rows = table(
        FIGURES_HEADER,
        [
            [
                name,
                f.name,
                f.target,
                f.shown + quick,
                "met" if f.met else "NOT met",
                date,
                commit,
                _cpu(),
            ]
            for f in figures
        ],
    )
    section = [f"## {name}: last run, {date}", "", *machine, "", *body]
    print("\n" + "\n".join([*section, "", *rows]))
    record = recorded(args)
    if record:
        text = RESULTS.read_text(encoding="utf-8")
        text = results.section_put(text, f"run {name}", ["", *section, ""])
        text = results.rows_put(text, rows[2:])
        text = results.rows_retire(text, name, [f.name for f in figures])
        RESULTS.write_text(text, encoding="utf-8")
        print(f"\nRecorded in {RESULTS}.")
    if args.figures is not None:
        out = {
            "figures": [asdict(f) for f in figures],
            "commit": commit,
            "date": date,
            "machine": _cpu(),
            "recorded": record,
        }
        args.figures.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
