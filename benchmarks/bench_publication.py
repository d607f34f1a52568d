"""Latency from submission to a signed checkpoint covering the entry, under steady load, with
a real Celery worker process integrating from Redis into PostgreSQL.

Run: .venv/bin/python benchmarks/bench_publication.py   (about a minute; needs Redis; --quick
for a 10-second load, --help for the options)

This process offers CALLS_PER_SECOND entries_submit calls of CALL_SIZE entries each, paced
for DURATION seconds (QUICK_DURATION with --quick), and records the wall time each call
returned. One worker (`celery -A judicial_verify worker --pool=solo` on a queue of this run's
own) integrates as production does. Afterwards each entry's latency is the `signed` time of
the first checkpoint covering its index (size > index) minus the time its submission
returned. Both clocks are this machine's wall clock.
"""

import argparse
import bisect
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import common

# judicial_verify is imported inside functions: only once common.arguments() has chosen the
# code to measure, and what needs Django only after common.django_setup().

CALLS_PER_SECOND, CALL_SIZE, DURATION, QUICK_DURATION = 100, 10, 30, 10
TARGET_MEDIAN, TARGET_P99 = 1.0, 2.0  # seconds
AWAIT_SECONDS = 120


@dataclass(frozen=True)
class Call:
    """One entries_submit call: its submission ids and when it started and returned."""

    ids: list[int]
    started: float  # time.time()
    returned: float  # time.time()


@contextmanager
def worker(state_dir: Path) -> Iterator[str]:
    """One Celery worker process on a queue of its own, with this process sending there;
    yields the queue name."""
    from judicial_verify.celery import app

    queue = f"bench-{uuid.uuid4().hex}"
    with common.celery_worker(state_dir, queue):
        app.conf.task_always_eager, app.conf.task_default_queue = False, queue
        yield queue


def redis_flush() -> None:
    """Empties the run's own Redis database: the bindings kombu keeps for a run's queue
    outlive it, and a scheduling marker left by an interrupted run would delay the first
    integration."""
    import redis

    redis.Redis.from_url(common.REDIS_URL).flushdb()


def warm_up() -> None:
    """Waits until the worker integrates: it is up, connected and has imported everything."""
    from judicial_verify.ledger.publication import entries_await
    from judicial_verify.ledger.submit import entries_submit

    ids = entries_submit(entries=common.entries_make(0, CALL_SIZE))
    entries_await(submissions=ids, timeout=AWAIT_SECONDS)


def offer_load(duration: int) -> list[Call]:
    """Submits CALLS_PER_SECOND calls a second for `duration` seconds, on a fixed schedule: a
    call that runs late is followed at once by the next, so the offered rate holds."""
    from judicial_verify.ledger.submit import entries_submit

    total = CALLS_PER_SECOND * duration
    batches = [common.entries_make((k + 1) * CALL_SIZE, CALL_SIZE) for k in range(total)]
    calls, start = [], time.perf_counter()
    for k, entries in enumerate(batches):
        delay = start + k / CALLS_PER_SECOND - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        started = time.time()
        ids = entries_submit(entries=entries)
        calls.append(Call(ids, started, time.time()))
    return calls


def latencies(calls: Sequence[Call]) -> tuple[list[float], int]:
    """Seconds from each submission's return to the first checkpoint covering its entry; and
    how many checkpoints were signed while the load ran."""
    from judicial_verify.ledger.models import Checkpoint
    from judicial_verify.ledger.publication import entries_await

    ids = [i for call in calls for i in call.ids]
    index_of = dict(zip(ids, entries_await(submissions=ids, timeout=AWAIT_SECONDS), strict=True))
    checkpoints = list(Checkpoint.objects.order_by("id").values_list("size", "signed"))
    sizes = [size for size, _ in checkpoints]  # never decreasing, in signing order
    out = []
    for call in calls:
        for i in call.ids:
            _, signed = checkpoints[bisect.bisect_right(sizes, index_of[i])]
            out.append(signed.timestamp() - call.returned)
    first, last = calls[0].started, calls[-1].returned
    during = sum(1 for _, signed in checkpoints if first <= signed.timestamp() <= last)
    return out, during


def body(
    calls: Sequence[Call], latency: Sequence[float], checkpoints: int, args: argparse.Namespace
) -> tuple[list[str], list[common.Figure]]:
    entries = sum(len(call.ids) for call in calls)
    seconds = calls[-1].returned - calls[0].started
    q = common.quantiles_ms(latency)
    call_q = common.quantiles_ms([call.returned - call.started for call in calls])
    met = q["median"] <= TARGET_MEDIAN * 1e3 and q["p99"] <= TARGET_P99 * 1e3
    row = [f"{entries / seconds:,.0f}", *(f"{q[k]:,.0f}" for k in ("median", "p90", "p99", "max"))]
    lines = [
        f"Submission to signed checkpoint, one Celery worker (--pool=solo) on Redis;"
        f" {len(calls):,} calls of {CALL_SIZE} entries paced at {CALLS_PER_SECOND}/s"
        f" for {seconds:.1f} s:",
        "",
        *common.table(["offered entries/s", "median ms", "p90 ms", "p99 ms", "max ms"], [row]),
        "",
        f"Target median ≤{TARGET_MEDIAN:g} s and p99 ≤{TARGET_P99:g} s:"
        f" {common.verdict(met, args)}.",
        f"{checkpoints:,} checkpoints signed during the load ({entries / max(checkpoints, 1):,.0f}"
        f" entries each on average); entries_submit call median {call_q['median']:.1f} ms,"
        f" p99 {call_q['p99']:.1f} ms.",
    ]
    figures = [
        common.Figure(
            name=f"submission to signed checkpoint, {name}",
            value=q[key],
            shown=f"{q[key]:,.0f} ms",
            target=f"≤ {target:g} s",
            met=q[key] <= target * 1e3,
            higher_is_better=False,
        )
        for name, key, target in (("median", "median", TARGET_MEDIAN), ("p99", "p99", TARGET_P99))
    ]
    return lines, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args = common.arguments(parser)
    machine = common.machine_description()
    state_dir = common.django_setup(common.database_name("publication"), redis=True)
    from judicial_verify.ledger.integrate import log_initialize

    redis_flush()
    log_initialize()  # the signing key and the first checkpoint, before the worker starts
    try:
        with worker(state_dir):
            warm_up()
            calls = offer_load(QUICK_DURATION if args.quick else DURATION)
            latency, checkpoints = latencies(calls)
    finally:
        redis_flush()
    lines, figures = body(calls, latency, checkpoints, args)
    common.report("bench_publication", machine, lines, figures, args)


if __name__ == "__main__":
    main()
