"""A mirror catching up with a log of 10^6 entries served over tlog-tiles by gunicorn on
127.0.0.1: `manage.py mirror URL --policy FILE --once` into a database of its own, from
empty, then again once the log has grown.

Run: .venv/bin/python benchmarks/bench_mirror.py   (three to five minutes, most of it building
     the log; --quick for a smoke run of a 10^5-entry log, --help for the options)

Set-up: database jv_bench_mirror recreated and a temporary STATE_DIR; a log of --log-size
entries (10^6; --quick 10^5) built through the real write path as bench_proofs builds its
log (entries_submit, 1,000 entries a call, integrated in batches of 10,000), then VACUUM
ANALYZE, as autovacuum would after such a load. gunicorn serves it (--workers sync workers,
2 × cores + 1) on a free port of 127.0.0.1, as bench_api's server is. The mirror gets
database jv_bench_mirror_copy, recreated and migrated, a STATE_DIR of its own, and a
tlog-policy naming the log's key with quorum none (as the log publishes today).

1. From empty: `manage.py mirror <the log's URL>/log/ --policy FILE --once` as its own
   process; the wall time from its start to its exit, start-up included, for the whole log:
   entries/s = log size / wall time.
2. An increment: the log grows by --increment entries, and the same command runs again.

After each, the copy is checked against the log: its newest checkpoint is the log's note,
and its entry bundles and hash tiles are, byte for byte, the log's entries and tiles. CPU
seconds of the mirror process, the gunicorn workers and the PostgreSQL backends of both
databases are reported beside the times. --profile DIR runs the mirror under cProfile.
"""

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import common

# judicial_verify is imported inside functions: only once common.arguments() has chosen the
# code to measure, and what needs Django only after common.django_setup().

DATABASE = common.database_name("mirror")
COPY_DATABASE = common.database_name("mirror_copy")
TARGET_RATE, TARGET_SIZE = 20_000.0, 10**6
FULL = {"log_size": TARGET_SIZE, "increment": 10_000}
QUICK = {"log_size": 10**5, "increment": 1_000}
MIRROR_TIMEOUT = 1_800
# Often enough to see most of a backend's CPU before it ends; seldom enough to cost little.
SAMPLE_SECONDS = 0.25

# The copy and the log, read in the same order and hashed, so that equal digests mean equal
# bytes: a mirror's bundle is its entries, each after its length as a big-endian uint16.
COPY_BUNDLES = (
    "SELECT t.data FROM mirror_mirrortile t JOIN mirror_mirroredlog l ON l.id = t.log_id"
    " WHERE l.origin = %s AND t.level = -1 ORDER BY t.index"
)
COPY_TILES = (
    "SELECT t.data FROM mirror_mirrortile t JOIN mirror_mirroredlog l ON l.id = t.log_id"
    " WHERE l.origin = %s AND t.level >= 0 ORDER BY t.level, t.index"
)
COPY_CHECKPOINT = (
    "SELECT c.note FROM mirror_mirrorcheckpoint c JOIN mirror_mirroredlog l ON l.id = c.log_id"
    " WHERE l.origin = %s ORDER BY c.id DESC LIMIT 1"
)
LOG_ENTRIES = (
    "SELECT substring(int4send(length(data)) FROM 3) || data FROM ledger_entry ORDER BY index"
)
LOG_TILES = "SELECT data FROM ledger_tile ORDER BY level, index"


def digest(database: str, sql: str, params: tuple[object, ...] = ()) -> str:
    """SHA-256 of the concatenated first column of the rows of `sql`, read in batches."""
    import psycopg

    h = hashlib.sha256()
    with psycopg.connect(f"{common.POSTGRES}/{database}") as conn, conn.cursor("rows") as cursor:
        cursor.itersize = 10_000
        cursor.execute(sql, params)
        for (data,) in cursor:
            h.update(data)
    return h.hexdigest()


def copy_check(origin: str, note: bytes) -> None:
    """The copy's newest checkpoint is `note`, and its bundles and tiles are the log's."""
    import psycopg

    with psycopg.connect(f"{common.POSTGRES}/{COPY_DATABASE}") as conn:
        row = conn.execute(COPY_CHECKPOINT, (origin,)).fetchone()
    if row is None or bytes(row[0]) != note:
        raise SystemExit("the mirror's newest checkpoint is not the log's")
    if digest(COPY_DATABASE, COPY_BUNDLES, (origin,)) != digest(DATABASE, LOG_ENTRIES):
        raise SystemExit("the mirror's entry bundles are not the log's entries")
    if digest(COPY_DATABASE, COPY_TILES, (origin,)) != digest(DATABASE, LOG_TILES):
        raise SystemExit("the mirror's hash tiles are not the log's")


class CpuSampler:
    """Keeps the last CPU reading of each process of the groups, read every SAMPLE_SECONDS
    while running: a PostgreSQL backend's CPU is still counted after its connection ends.
    `databases` maps a group name to a database whose backends make the group."""

    def __init__(self, groups: dict[str, list[int]], databases: dict[str, str]) -> None:
        self.groups, self.databases = groups, databases
        self.readings: common.CpuReading = {}
        self.first: common.CpuReading = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def read(self) -> None:
        backends = {name: common.postgres_backends(db) for name, db in self.databases.items()}
        for name, pids in common.cpu_by_pid({**self.groups, **backends}).items():
            self.readings.setdefault(name, {}).update(pids)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.read()

    @contextmanager
    def sampling(self) -> Iterator[None]:
        self.read()
        self.first = {name: dict(pids) for name, pids in self.readings.items()}
        self._thread.start()
        try:
            yield
        finally:
            self._stop.set()
            self._thread.join()
            self.read()


# The processes whose CPU a catch-up counts, in the order its row shows them.
CPU_GROUPS = {
    "mirror": "the mirror",
    "web": "gunicorn workers",
    "log database": "PostgreSQL, the log's",
    "copy database": "PostgreSQL, the copy's",
}


@dataclass(frozen=True)
class CatchUp:
    name: str
    entries: int
    seconds: float
    cpu: dict[str, float]  # seconds, by CPU_GROUPS

    @property
    def rate(self) -> float:
        return self.entries / self.seconds

    @property
    def cpu_per_million(self) -> float:
        """CPU seconds of all its processes per 10^6 entries."""
        return sum(self.cpu.values()) / self.entries * 1e6

    @property
    def row(self) -> list[object]:
        return [
            self.name,
            f"{self.entries:,}",
            f"{self.seconds:.1f}",
            f"{self.rate:,.0f}",
            *(f"{self.cpu[k]:.1f}" for k in CPU_GROUPS),
        ]


def mirror_env(state_dir: Path) -> dict[str, str]:
    env = {**common.server_env(), "STATE_DIR": str(state_dir)}
    env["DATABASE_URL"] = f"{common.POSTGRES}/{COPY_DATABASE}"
    return env


def catch_up(
    name: str,
    entries: int,
    server: common.Server,
    policy: Path,
    env: dict[str, str],
    profile: Path | None,
) -> CatchUp:
    """Runs `manage.py mirror <log> --policy FILE --once`; times it and its CPU."""
    profiler = ["-m", "cProfile", "-o", str(profile / f"{name}.prof")] if profile else []
    command = [sys.executable, *profiler, "manage.py", "mirror", f"{server.base}/log/",
               "--policy", str(policy), "--once"]  # fmt: skip
    sampler = CpuSampler(
        {"web": server.workers}, {"log database": DATABASE, "copy database": COPY_DATABASE}
    )
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with sampler.sampling():
        began = time.perf_counter()
        out = subprocess.run(
            command, cwd=common.CODE, env=env, capture_output=True, text=True,
            timeout=MIRROR_TIMEOUT, check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - began
    if out.returncode != 0:
        raise SystemExit(f"the mirror failed ({out.returncode}): {out.stderr.strip()}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = common.cpu_used(sampler.first, sampler.readings)
    cpu["mirror"] = (
        children.ru_utime + children.ru_stime - children_before.ru_utime - children_before.ru_stime
    )
    print(f"{name}: {entries:,} entries in {seconds:.1f} s ({entries / seconds:,.0f}/s):"
          f" {out.stdout.strip()}", flush=True)  # fmt: skip
    return CatchUp(name, entries, seconds, cpu)


def log_build(size: int) -> None:
    from django.db import connection

    from judicial_verify.ledger.publish import checkpoint_publish

    common.integration_by_hand()  # log_fill integrates, and publishes
    checkpoint_publish()
    common.log_fill(0, size)
    with connection.cursor() as cursor:
        # As autovacuum would soon after such a load: the server plans its reads by the
        # tables' real sizes.
        cursor.execute("VACUUM ANALYZE")


def log_state() -> tuple[str, bytes, int]:
    """The log's origin, newest checkpoint note and size."""
    from django.conf import settings

    from judicial_verify.ledger.read import checkpoint_latest

    latest = checkpoint_latest()
    return settings.LOG_ORIGIN, bytes(latest.note), latest.size


def body(runs: list[CatchUp], args: argparse.Namespace, figure: common.Figure) -> list[str]:
    first = runs[0]
    entry = len(common.entry_bytes(0, 1)[0])
    cores = os.cpu_count() or 1
    ceiling = cores / first.cpu_per_million * 1e6
    return [
        f"A log of {args.log_size:,} entries ({entry} bytes each) served"
        f" by gunicorn ({args.workers} sync workers) on 127.0.0.1; `manage.py mirror"
        " URL --policy FILE --once` into its own, empty, database, timed from its start to"
        f" its exit; then the log grows by {args.increment:,} entries and the mirror runs"
        " again. After each run the copy's newest checkpoint is the log's, and its bundles"
        " and tiles are the log's entries and tiles byte for byte.",
        "",
        *common.table(
            [
                "catch-up",
                "entries",
                "seconds",
                "entries/s",
                *(f"CPU s: {what}" for what in CPU_GROUPS.values()),
            ],
            [r.row for r in runs],
        ),  # fmt: skip
        "",
        f"Target ≥{TARGET_RATE:,.0f} entries/s from a log of {TARGET_SIZE:,}:"
        f" {common.verdict(figure.met, args)} ({first.rate:,.0f}). CPU seconds of the"
        " mirror process (start-up included), of the log's gunicorn workers and of the"
        " PostgreSQL backends of each database. The machine is shared: the wall time also"
        f" holds other processes' turns. All of the catch-up's processes used"
        f" {sum(first.cpu.values()):.1f} CPU seconds in its {first.seconds:.1f} s; with the"
        f" {cores} cores to themselves they would be CPU-bound at about {ceiling:,.0f}"
        " entries/s: a projection from the CPU used, not a measurement.",
    ]


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.workers_option(p)
    sized = {"log_size": "entries of the log", "increment": "entries added before the second run"}
    common.sized_options(p, FULL, QUICK, sized)
    p.add_argument("--profile", type=Path, metavar="DIR", help="cProfile the mirror into DIR")
    args = common.arguments(p)
    common.sized_defaults(args, FULL, QUICK)
    if args.log_size < 1 or args.increment < 1:
        p.error("--log-size and --increment are at least 1")
    return args


def main() -> None:
    args = arguments()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    machine = common.machine_description()
    state_dir = common.django_setup(DATABASE)
    log_build(args.log_size)
    origin, note, size = log_state()
    from judicial_verify.ledger.keys import log_signer

    policy = state_dir / "log.policy"
    policy.write_text(f"log {log_signer().verifier_key}\nquorum none\n")
    common.database_recreate(COPY_DATABASE)
    env = mirror_env(common.state_dir_make(COPY_DATABASE))
    migrate = [sys.executable, "manage.py", "migrate", "--verbosity", "0"]
    subprocess.run(migrate, cwd=common.CODE, env=env, check=True)
    runs = []
    with common.gunicorn(state_dir, args.workers, common.server_env()) as server:
        runs.append(catch_up("from empty", size, server, policy, env, args.profile))
        copy_check(origin, note)
        common.log_fill(size, size + args.increment)
        origin, note, grown = log_state()
        runs.append(catch_up("increment", grown - size, server, policy, env, args.profile))
        copy_check(origin, note)
    first = runs[0]
    figure = common.Figure(
        name="mirror catch-up from empty (manage.py mirror --once)",
        value=first.rate,
        shown=f"{first.rate:,.0f} entries/s at {first.entries:,} entries",
        target=f"≥ {TARGET_RATE:,.0f} entries/s at {TARGET_SIZE:,}",
        met=first.rate >= TARGET_RATE and first.entries >= TARGET_SIZE,
    )
    common.report("bench_mirror", machine, body(runs, args, figure), [figure], args)


if __name__ == "__main__":
    main()
