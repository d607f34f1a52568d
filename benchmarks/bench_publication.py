"""Latency from submission to a published checkpoint covering the entry, under steady load,
with a real Celery worker process integrating from Redis into PostgreSQL and publishing at
most once per CHECKPOINT_INTERVAL: with three of the project's witnesses on loopback
cosigning every checkpoint, and without witnesses, side by side; and how many checkpoints
were published.

Run: .venv/bin/python benchmarks/bench_publication.py   (about two minutes; needs Redis;
--quick for 10-second loads, --help for the options)

One log (database jv_bench_publication, a temporary STATE_DIR) is measured in two runs, one
after the other. In each, this process offers CALLS_PER_SECOND entries_submit calls of
CALL_SIZE entries each (1,000 entries/s), paced for --seconds, and records the wall time each
call returned. One worker (`celery -A judicial_verify worker --pool=solo` on a queue of its
own) integrates and publishes as production does, with the environment's CHECKPOINT_INTERVAL
(default 1 s). A thread of this process looks for new checkpoints every WATCH_SECONDS and
notes when it first sees each. A checkpoint counts only once it verifies under the run's
tlog-policy as a verifier checks it (open_note with the log's key, then check_quorum): each
entry's latency is the time the first counted checkpoint covering its index (size > index)
was seen minus the time its submission returned. Both clocks are this machine's wall clock.

1. Without witnesses: the log publishes as the embedded default does; its policy is the
   log's key with quorum none, so a checkpoint counts once its log signature verifies.
2. With witnesses: three of the project's witnesses, each served by gunicorn
   (WITNESS_WORKERS sync worker) on a free port of 127.0.0.1 with its own database
   (jv_bench_publication_w1 to _w3), STATE_DIR and key, set up as an alliance member sets
   one up (`manage.py migrate`, `witness_key`, `witness_trust <the log's key>`). A
   WITNESS_POLICY file names the log's key, the three witnesses with their keys and URLs and
   the quorum (--quorum: 2 of the 3 by default, or all 3), and the worker runs with it: the
   log sends each checkpoint to the three at once and publishes it only with the quorum's
   cosignatures. A checkpoint counts once its log signature and the quorum's cosignatures
   verify under that policy.

Of each run, the checkpoints signed from the load's start to the signing of the one covering
its last entry: their number against the most CHECKPOINT_INTERVAL allows in that time (its
seconds / interval, rounded down, + 1), the smallest gap between two signings, and
checkpoints per hour (their number less one over the seconds from the first signing to the
last, scaled) against 3,600 / CHECKPOINT_INTERVAL.
"""

import argparse
import bisect
import itertools
import math
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import common

if TYPE_CHECKING:
    from judicial_verify.tlog.policy import Policy

# judicial_verify is imported inside functions: only once common.arguments() has chosen the
# code to measure, and what needs Django only after common.django_setup().

DATABASE = common.database_name("publication")
CALLS_PER_SECOND, CALL_SIZE = 100, 10
FULL = {"seconds": 30}
QUICK = {"seconds": 10}
# Targets in seconds: issue 13's with witnesses, issue 2's without.
TARGET_WITNESSED = (1.5, 3.0)
TARGET_BARE = (1.0, 2.0)
AWAIT_SECONDS = 120
# How often the watch looks for a new checkpoint: each look is one query by primary key.
WATCH_SECONDS = 0.005
# The two runs' entries never repeat each other's documents.
SECOND_RUN_FIRST_ENTRY = 10**8

WITNESS_NAMES = ("w1", "w2", "w3")
# A witness gets one request a checkpoint from this log, and nothing else: one worker each.
WITNESS_WORKERS = 1
# Set-up commands run by a witness's operator take seconds; this bounds a hung one.
MANAGE_SECONDS = 300
# The log's settings, which a witness must not inherit: it has its own database and state,
# no Redis, no log key and no policy.
NOT_INHERITED = (
    "REDIS_URL", "WITNESS_POLICY", "LOG_SIGNING_KEY", "LOG_SIGNING_KEY_FILE",
    "WITNESS_SIGNING_KEY", "WITNESS_SIGNING_KEY_FILE",
)  # fmt: skip


@dataclass(frozen=True)
class Call:
    """One entries_submit call: its submission ids and when it started and returned."""

    ids: list[int]
    started: float  # time.time()
    returned: float  # time.time()


@dataclass(frozen=True)
class Seen:
    """A published checkpoint as the watch first saw it."""

    size: int
    signed: float  # the log's signing time, time.time()'s scale
    seen: float  # time.time()
    note: bytes


@dataclass(frozen=True)
class Run:
    """What one run measured."""

    name: str  # what the figures table calls it
    calls: list[Call]
    latency: list[float]  # seconds, one an entry
    published: list[Seen]  # signed from the load's start to the one covering its last entry
    seconds: float  # from the load's start to that last signing
    refused: list[str]  # checkpoints that did not verify under the policy, and why
    cosigners: Counter[str]  # witness -> checkpoints carrying its valid cosignature
    cpu: dict[str, float]  # CPU seconds during the load, by group of processes
    targets: tuple[float, float]  # median and p99, seconds
    interval: float  # CHECKPOINT_INTERVAL, seconds

    @property
    def entries(self) -> int:
        return sum(len(call.ids) for call in self.calls)

    @property
    def gaps(self) -> list[float]:
        return [b.signed - a.signed for a, b in itertools.pairwise(self.published)]

    @property
    def per_hour(self) -> float:
        """Checkpoints per hour over the run: the intervals between its signings, scaled."""
        span = self.published[-1].signed - self.published[0].signed if self.published else 0
        return (len(self.published) - 1) / span * 3600 if span > 0 else 0.0

    @property
    def bound(self) -> int | None:
        """The most checkpoints CHECKPOINT_INTERVAL allows in the run's seconds (None: no
        bound)."""
        return math.floor(self.seconds / self.interval) + 1 if self.interval > 0 else None

    @property
    def interval_kept(self) -> bool:
        if self.bound is None:
            return True
        return len(self.published) <= self.bound and self.per_hour <= 3600 / self.interval


# The log and its worker


@contextmanager
def worker(state_dir: Path, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """One Celery worker process on a queue of its own, in this process's environment with
    `env` over it, and this process sending there."""
    from judicial_verify.celery import app

    queue = f"bench-{uuid.uuid4().hex}"
    with common.celery_worker(state_dir, queue, **env) as proc:
        app.conf.task_always_eager, app.conf.task_default_queue = False, queue
        yield proc


def redis_flush() -> None:
    """Empties the run's own Redis database: the bindings kombu keeps for a run's queue
    outlive it, and a scheduling marker left by an earlier run or worker would delay the
    first integration or publication."""
    import redis

    redis.Redis.from_url(common.REDIS_URL).flushdb()


def warm_up(first_entry: int) -> None:
    """Waits until the worker publishes: it is up, connected, has imported everything and,
    with witnesses, has had its first checkpoint cosigned."""
    from judicial_verify.ledger.publication import PublicationTimeout, entries_await
    from judicial_verify.ledger.submit import entries_submit

    ids = entries_submit(entries=common.entries_make(first_entry, CALL_SIZE))
    try:
        entries_await(submissions=ids, timeout=AWAIT_SECONDS)
    except PublicationTimeout:
        raise SystemExit(
            f"nothing was published within {AWAIT_SECONDS} s: see the worker's log"
        ) from None


@contextmanager
def publication_watch() -> Iterator[list[Seen]]:
    """Yields a list that, until the block ends, gets each checkpoint as this process first
    sees it published, in publishing order."""
    from django.db import connection

    from judicial_verify.ledger.models import Checkpoint

    seen: list[Seen] = []
    stop = threading.Event()

    def watch() -> None:
        last = Checkpoint.objects.order_by("-id").values_list("id", flat=True).first() or 0
        try:
            while not stop.wait(WATCH_SECONDS):
                new = Checkpoint.objects.filter(id__gt=last).order_by("id")
                for checkpoint_id, size, signed, note in new.values_list(
                    "id", "size", "signed", "note"
                ):
                    seen.append(Seen(size, signed.timestamp(), time.time(), bytes(note)))
                    last = checkpoint_id
        finally:
            connection.close()

    thread = threading.Thread(target=watch)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join()


def offer_load(seconds: int, first_entry: int) -> list[Call]:
    """Submits CALLS_PER_SECOND calls a second for `seconds`, on a fixed schedule: a call
    that runs late is followed at once by the next, so the offered rate holds."""
    from judicial_verify.ledger.submit import entries_submit

    total = CALLS_PER_SECOND * seconds
    batches = [
        common.entries_make(first_entry + (k + 1) * CALL_SIZE, CALL_SIZE) for k in range(total)
    ]
    calls, start = [], time.perf_counter()
    for k, entries in enumerate(batches):
        delay = start + k / CALLS_PER_SECOND - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        started = time.time()
        ids = entries_submit(entries=entries)
        calls.append(Call(ids, started, time.time()))
    return calls


def published_indices(calls: Sequence[Call], seen: Sequence[Seen]) -> dict[int, int]:
    """Each submission's index, once all are published and the watch has seen it."""
    from judicial_verify.ledger.publication import PublicationTimeout, entries_await

    ids = [i for call in calls for i in call.ids]
    try:
        indices = entries_await(submissions=ids, timeout=AWAIT_SECONDS)
    except PublicationTimeout as e:
        raise SystemExit(
            f"not published within {AWAIT_SECONDS} s ({e}): see the worker's log"
        ) from None
    index_of = dict(zip(ids, indices, strict=True))
    deadline = time.monotonic() + AWAIT_SECONDS
    while not seen or seen[-1].size <= max(indices):
        if time.monotonic() > deadline:
            raise SystemExit("the watch did not see the checkpoint the log published")
        time.sleep(WATCH_SECONDS)  # published: the watch is about to see it
    return index_of


def checkpoints_check(
    seen: Sequence[Seen], policy: "Policy"
) -> tuple[list[Seen], list[str], Counter[str]]:
    """The checkpoints that verify under `policy` as a verifier checks them: the log's
    signature, then the quorum's cosignatures. Returns them, why each other did not, and how
    many each witness validly cosigned."""
    from judicial_verify.tlog.errors import TlogError
    from judicial_verify.tlog.note import open_note
    from judicial_verify.tlog.policy import check_quorum

    verifiers = [log.verifier for log in policy.logs]
    valid, refused, cosigners = [], [], Counter[str]()
    for checkpoint in seen:
        try:
            note = open_note(checkpoint.note, verifiers)
            found = check_quorum(policy, note.text, note.unverified_sigs)
        except TlogError as e:
            refused.append(f"size {checkpoint.size}: {e}")
            continue
        valid.append(checkpoint)
        cosigners.update(c.witness for c in found)
    return valid, refused, cosigners


def latencies(
    calls: Sequence[Call], index_of: dict[int, int], valid: Sequence[Seen]
) -> list[float]:
    """Seconds from each submission's return to the first counted checkpoint covering its
    entry, as the watch saw it."""
    sizes = [c.size for c in valid]  # never decreasing, in publishing order
    out = []
    for call in calls:
        for i in call.ids:
            at = bisect.bisect_right(sizes, index_of[i])
            if at == len(valid):
                raise SystemExit(f"entry {index_of[i]} is in no checkpoint that verifies")
            out.append(valid[at].seen - call.returned)
    return out


def log_run(
    name: str,
    state_dir: Path,
    seconds: int,
    first_entry: int,
    policy: "Policy",
    targets: tuple[float, float],
    cpu_groups: dict[str, list[int]],
    **env: str,
) -> Run:
    """One run: a worker in `env`, its warm-up, the load and what the watch saw, checked
    under `policy`. `cpu_groups` are the processes other than the worker and the log's
    PostgreSQL backends whose CPU the run reports."""
    from django.conf import settings

    redis_flush()
    with worker(state_dir, **env) as proc:
        warm_up(first_entry)
        groups = {"worker": [proc.pid], **cpu_groups}
        with publication_watch() as seen:
            before = common.cpu_by_pid({**groups, "postgres": postgres_backends()})
            here = time.process_time()
            calls = offer_load(seconds, first_entry + CALL_SIZE)
            index_of = published_indices(calls, seen)
            after = common.cpu_by_pid({**groups, "postgres": postgres_backends()})
            cpu = common.cpu_used(before, after)
            cpu["this process (load and watch)"] = time.process_time() - here
    valid, refused, cosigners = checkpoints_check(seen, policy)
    latency = latencies(calls, index_of, valid)
    start, last = calls[0].started, max(index_of.values())
    end = next(c.signed for c in seen if c.size > last)
    published = [c for c in seen if start <= c.signed <= end]
    interval = float(settings.CHECKPOINT_INTERVAL)
    return Run(
        name, calls, latency, published, end - start, refused, cosigners, cpu, targets, interval
    )


def postgres_backends() -> list[int]:
    """The PostgreSQL backends of the log's database and of the witnesses'."""
    names = [DATABASE, *(witness_database(name) for name in WITNESS_NAMES)]
    return [pid for name in names for pid in common.postgres_backends(name)]


# The witnesses


@dataclass(frozen=True)
class Witness:
    """One witness as its operator set it up: its name in the policy, key and server."""

    name: str
    vkey: str
    state_dir: Path
    env: dict[str, str]


def witness_database(name: str) -> str:
    return common.database_name(f"publication_{name}")


def manage(env: dict[str, str], *args: str) -> "subprocess.Popen[str]":
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=common.CODE, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def witnesses_setup(log_vkey: str) -> list[Witness]:
    """Sets each witness up as an alliance member does, the three at once: a new database
    migrated, its key made (`witness_key`, which prints it) and the log's key trusted
    (`witness_trust`)."""
    envs = {}
    for name in WITNESS_NAMES:
        database = witness_database(name)
        env = common.server_env(
            DATABASE_URL=common.database_recreate(database),
            STATE_DIR=str(common.state_dir_make(database)),
            WITNESS_NAME=f"{name}.bench-alliance.example/witness",
        )
        envs[name] = {k: v for k, v in env.items() if k not in NOT_INHERITED}
    printed = {}
    for step in (["migrate", "--verbosity", "0"], ["witness_key"], ["witness_trust", log_vkey]):
        started = {name: manage(env, *step) for name, env in envs.items()}
        for name, proc in started.items():
            out, err = proc.communicate(timeout=MANAGE_SECONDS)
            if proc.returncode != 0:
                raise SystemExit(f"witness {name}: manage.py {step[0]} failed:\n{err}")
            printed[name] = out.strip()
        if step[0] == "witness_key":
            vkeys = dict(printed)
    return [Witness(name, vkeys[name], Path(env["STATE_DIR"]), env) for name, env in envs.items()]


@contextmanager
def witnesses_serving(witnesses: Sequence[Witness]) -> Iterator[list[common.Server]]:
    """Each witness served by gunicorn on a free port of 127.0.0.1, logging to its STATE_DIR."""
    with ExitStack() as stack:
        yield [
            stack.enter_context(
                common.gunicorn(w.state_dir, WITNESS_WORKERS, w.env, name="witness")
            )
            for w in witnesses
        ]


def policy_text(
    log_vkey: str, witnesses: Sequence[Witness], servers: Sequence[common.Server], quorum: int
) -> str:
    """The log's tlog-policy: its key, each witness with its key and URL, and a group of
    them all, `quorum` of which make the quorum."""
    threshold = "all" if quorum == len(witnesses) else str(quorum)
    lines = [f"log {log_vkey}"]
    lines += [
        f"witness {w.name} {w.vkey} {server.base}/witness"
        for w, server in zip(witnesses, servers, strict=True)
    ]
    lines += [f"group alliance {threshold} {' '.join(w.name for w in witnesses)}"]
    return "\n".join([*lines, "quorum alliance"]) + "\n"


# The report


def run_row(run: Run) -> list[str]:
    q = common.quantiles_ms(run.latency)
    offered = run.entries / (run.calls[-1].returned - run.calls[0].started)
    return [
        run.name,
        f"{run.entries:,}",
        f"{offered:,.0f}",
        *(f"{q[k]:,.0f}" for k in ("median", "p90", "p99", "max")),
        f"{len(run.published)} in {run.seconds:.1f} s",
        "-" if run.bound is None else str(run.bound),
        f"{run.per_hour:,.0f}",
        f"{min(run.gaps):.3f}" if run.gaps else "-",
    ]


def run_figures(run: Run) -> list[common.Figure]:
    q = common.quantiles_ms(run.latency)
    figures = [
        common.Figure(
            name=f"submission to published checkpoint, {run.name}, {name}",
            value=q[name],
            shown=f"{q[name]:,.0f} ms",
            target=f"≤ {target:g} s",
            met=q[name] <= target * 1e3,
            higher_is_better=False,
        )
        for name, target in zip(("median", "p99"), run.targets, strict=True)
    ]
    at_most = "no bound" if run.bound is None else f"at most {run.bound}"
    figures.append(
        common.Figure(
            name=f"checkpoints published per hour, {run.name}",
            value=run.per_hour,
            shown=f"{run.per_hour:,.0f} ({len(run.published)} in {run.seconds:.1f} s, {at_most})",
            target="none (CHECKPOINT_INTERVAL 0)"
            if run.interval == 0
            else f"≤ {3600 / run.interval:,.0f} (3,600 / CHECKPOINT_INTERVAL)",
            met=run.interval_kept,
            higher_is_better=False,
        )
    )
    return figures


def run_lines(run: Run, args: argparse.Namespace) -> list[str]:
    q = common.quantiles_ms(run.latency)
    median, p99 = run.targets
    met = q["median"] <= median * 1e3 and q["p99"] <= p99 * 1e3
    if run.bound is None:
        kept = "CHECKPOINT_INTERVAL 0 sets no bound"
    else:
        kept = (
            f"{len(run.published)} against at most {run.bound}, {run.per_hour:,.0f} an hour"
            f" against at most {3600 / run.interval:,.0f}:"
            f" {common.verdict(run.interval_kept, args)}"
        )
    verified = "yes" if not run.refused else f"NO, {len(run.refused)} did not"
    line = (
        f"- {run.name}: target median ≤{median:g} s and p99 ≤{p99:g} s:"
        f" {common.verdict(met, args)}. Checkpoints: {kept}. Every checkpoint seen verified"
        f" under the run's policy: {verified}"
    )
    if run.cosigners:
        by = ", ".join(f"{name} {n:,}" for name, n in sorted(run.cosigners.items()))
        line += f"; checkpoints carrying each witness's valid cosignature: {by}"
    cpu = ", ".join(f"{name} {seconds:.1f}" for name, seconds in run.cpu.items())
    line += (
        f". CPU seconds from the load's start to the last publication: {cpu} (PostgreSQL:"
        " the backends of the log's and the witnesses' databases, but for any that ended"
        " meanwhile)."
    )
    return [line, *(f"  - not counted: {r}" for r in run.refused[:10])]


def body(
    runs: Sequence[Run], policy: str, args: argparse.Namespace
) -> tuple[list[str], list[common.Figure]]:
    header = ["run", "entries", "offered entries/s", "median ms", "p90 ms", "p99 ms", "max ms",
              "checkpoints signed", "at most", "per hour", "smallest gap s"]  # fmt: skip
    order = ", on one log: first without witnesses, then with them" if len(runs) > 1 else ""
    lines = [
        "Submission to published checkpoint, one Celery worker (--pool=solo) on Redis,"
        f" CHECKPOINT_INTERVAL {runs[0].interval:g} s; each run"
        f" {CALLS_PER_SECOND * args.seconds:,} calls of {CALL_SIZE} entries paced at"
        f" {CALLS_PER_SECOND}/s for {args.seconds} s{order}. Latency:"
        " from a call's return to the first sight of a published checkpoint covering its entry"
        " that verifies under the run's policy. Checkpoints: those signed from the load's start"
        " to the signing of the one covering its last entry; at most: those seconds ÷"
        " CHECKPOINT_INTERVAL, rounded down, + 1; per hour: their number less one over the"
        " seconds from the first signing to the last, × 3,600.",
        "",
        *common.table(header, [run_row(run) for run in runs]),
        "",
        *(line for run in runs for line in run_lines(run, args)),
        "",
        f"The witnesses: {len(WITNESS_NAMES)} of the project's own, each gunicorn"
        f" ({WITNESS_WORKERS} sync worker) on 127.0.0.1 with its own PostgreSQL database,"
        " STATE_DIR and key, trusting the log's key (`manage.py witness_trust`). The log's"
        " WITNESS_POLICY (keys shortened):",
        "",
        "```",
        *(shortened(line) for line in policy.splitlines()),
        "```",
    ]
    return lines, [figure for run in runs for figure in run_figures(run)]


def shortened(line: str) -> str:
    """A policy line with the base64 of its key cut short."""
    words = []
    for word in line.split():
        parts = word.split("+", 2)  # a key is name+id+base64, and base64 may hold "+"
        words.append(f"{parts[0]}+{parts[1]}+{parts[2][:8]}…" if len(parts) == 3 else word)
    return " ".join(words)


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.sized_options(p, FULL, QUICK, {"seconds": "seconds of load in each run"})
    p.add_argument(
        "--quorum",
        type=int,
        choices=(2, 3),
        default=2,
        help="cosignatures of the three witnesses the policy requires (2)",
    )
    p.add_argument("--witnessed-only", action="store_true", help="skip the run without witnesses")
    args = common.arguments(p)
    common.sized_defaults(args, FULL, QUICK)
    if args.seconds < 1:
        p.error("--seconds is at least 1")
    return args


def main() -> None:
    args = arguments()
    machine = common.machine_description()
    state_dir = common.django_setup(DATABASE, redis=True)
    from judicial_verify.ledger.keys import log_signer
    from judicial_verify.ledger.publish import checkpoint_publish
    from judicial_verify.tlog.policy import parse_policy

    checkpoint_publish()  # the signing key and the first checkpoint, before a worker starts
    log_vkey = log_signer().verifier_key
    runs = []
    try:
        if not args.witnessed_only:
            bare = parse_policy(f"log {log_vkey}\nquorum none\n".encode())
            runs.append(log_run("no witnesses", state_dir, args.seconds, 0, bare, TARGET_BARE, {}))
        witnesses = witnesses_setup(log_vkey)
        with witnesses_serving(witnesses) as servers:
            policy = policy_text(log_vkey, witnesses, servers, args.quorum)
            policy_file = state_dir / "alliance.policy"
            policy_file.write_text(policy)
            rule = "all 3" if args.quorum == len(witnesses) else f"{args.quorum} of 3"
            witnessed = log_run(
                f"cosigned by {rule} witnesses",
                state_dir,
                args.seconds,
                SECOND_RUN_FIRST_ENTRY,
                parse_policy(policy.encode()),
                TARGET_WITNESSED,
                {"witnesses": [pid for s in servers for pid in s.workers]},
                WITNESS_POLICY=str(policy_file),
            )
            runs.insert(0, witnessed)
    finally:
        redis_flush()
    lines, figures = body(runs, policy, args)
    common.report("bench_publication", machine, lines, figures, args)


if __name__ == "__main__":
    main()
