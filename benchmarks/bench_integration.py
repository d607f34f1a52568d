"""Integration throughput against PostgreSQL, and the same leaves built in memory beside it.

Run: .venv/bin/python benchmarks/bench_integration.py   (a few minutes; --quick for a smoke
run of a tenth of the entries, --help for the options)

For each batch size B it submits a fresh set of distinct pending entries (entries_submit,
1,000 entries a call, timed as submission throughput), then times log_integrate(batch_size=B)
over all of them: entries/s and milliseconds per batch (one transaction: indices and tiles;
checkpoints are signed apart from it, once per CHECKPOINT_INTERVAL). Then, on exactly the
leaves now in the log, it times pymerkle 7.0.0's InmemoryTree, tlog's extend_tiles without a
database, and a plain hashlib build (the physical limit of SHA-256 tree building in
Python), and checks that all four trees have the same root, so every figure is the same
work.

Submission here schedules integration on an in-memory broker nobody consumes, so the
timed log_integrate calls do all the integrating; with Redis each call adds one round trip.
"""

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from hashlib import sha256

import common
from pymerkle import InmemoryTree

# judicial_verify is imported inside functions: only once common.arguments() has chosen the
# code to measure, and what needs Django only after common.django_setup().

# Pre-submitted entries per batch size: several seconds of work each on a 2-core machine.
PLAN = {1: 2_000, 100: 20_000, 1_000: 100_000, 10_000: 100_000}
QUICK_PLAN = {batch: count // 10 for batch, count in PLAN.items()}
TARGET_BATCH, TARGET_RATE = 1_000, 10_000
SUBMIT_CALL = 1_000
LIMIT = "hashlib: leaf hashes + pairwise levels (the limit)"
REPEATS = 3  # in-memory builds are short: the best of three filters out a noisy neighbour


def submit_range(start: int, count: int) -> float:
    """Submits entries start..start+count-1 in calls of SUBMIT_CALL; returns seconds spent."""
    from judicial_verify.ledger.submit import entries_submit

    spent = 0.0
    for at in range(start, start + count, SUBMIT_CALL):
        entries = common.entries_make(at, min(SUBMIT_CALL, start + count - at))
        spent += common.timed(lambda entries=entries: entries_submit(entries=entries))
    return spent


@dataclass(frozen=True)
class Run:
    """log_integrate(batch_size=batch) over `entries` pending entries took `seconds`."""

    batch: int
    entries: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.entries / self.seconds

    @property
    def row(self) -> list[object]:
        batches = -(-self.entries // self.batch)
        ms_per_batch = self.seconds / batches * 1e3
        return [
            f"{self.batch:,}",
            f"{self.entries:,}",
            batches,
            f"{self.seconds:.2f}",
            f"{self.rate:,.0f}",
            f"{ms_per_batch:.1f}",
        ]


def integrate_timed(batch: int, expected: int) -> Run:
    """Integrates everything pending in batches of `batch`."""
    from judicial_verify.ledger.integrate import log_integrate

    start = time.perf_counter()
    added = log_integrate(batch_size=batch)
    run = Run(batch, added, time.perf_counter() - start)
    assert added == expected, f"integrated {added} of {expected}"
    print(f"batch {batch:>6,}: {run.rate:>9,.0f} entries/s", flush=True)
    return run


def database_phase(plan: dict[int, int]) -> tuple[list[Run], float]:
    """Submits and integrates `plan` (entries by batch size); returns the runs and the seconds
    spent submitting."""
    runs, submitted, submit_seconds = [], 0, 0.0
    for batch, count in plan.items():
        submit_seconds += submit_range(submitted, count)
        runs.append(integrate_timed(batch, count))
        submitted += count
    return runs, submit_seconds


def best_of(build: Callable[[], bytes]) -> tuple[float, bytes]:
    """Runs build REPEATS times; returns the shortest time and the root it returned."""
    best, root = float("inf"), b""
    for _ in range(REPEATS):
        start = time.perf_counter()
        root = build()
        best = min(best, time.perf_counter() - start)
    return best, root


def pymerkle_build(data: Sequence[bytes]) -> bytes:
    tree = InmemoryTree(algorithm="sha256")  # RFC 9162 hashing: 0x00 leaf, 0x01 node prefixes
    for d in data:
        tree.append_entry(d)
    return bytes(tree.get_root())


def hashlib_build(data: Sequence[bytes]) -> bytes:
    """Leaf hashes, then pairwise levels; a lone last node moves up unpaired, which gives
    exactly RFC 9162's left-balanced tree."""
    row = [sha256(b"\x00" + d).digest() for d in data]
    while len(row) > 1:
        paired = [sha256(b"\x01" + row[i] + row[i + 1]).digest() for i in range(0, len(row) - 1, 2)]
        row = paired + row[-1:] if len(row) % 2 else paired
    return row[0]


def tiles_build(data: Sequence[bytes]) -> bytes:
    """What the integrator computes, without the database: leaf hashes, extend_tiles in
    batches of TARGET_BATCH carrying the right edge along, then the root from the tiles."""
    from judicial_verify.tlog.tile import TileHashReader, edge_tiles, extend_tiles
    from judicial_verify.tlog.tree import leaf_hash, tree_hash

    tiles: dict[tuple[int, int], bytes] = {}
    for size in range(0, len(data), TARGET_BATCH):
        edge = {t.level: tiles[(t.level, t.index)] for t in edge_tiles(size)}
        leaves = [leaf_hash(d) for d in data[size : size + TARGET_BATCH]]
        tiles.update(extend_tiles(size, edge, leaves))
    reader = TileHashReader(len(data), lambda wanted: [tiles[(t.level, t.index)] for t in wanted])
    return tree_hash(len(data), reader)


def memory_phase(size: int, db_rate: float) -> list[str]:
    """Builds the log's leaves in memory three ways; returns the comparison table."""
    from judicial_verify.ledger.read import integrated_root, integrated_size

    data = common.entry_bytes(0, size)
    # The tree as integrated: integration signs nothing, and what it built is the point here.
    assert integrated_size() == size, f"the log holds {integrated_size()} entries, not {size}"
    log_root = integrated_root(size)
    rates = {f"ours, PostgreSQL, batch {TARGET_BATCH:,} (above)": db_rate}
    for name, build in (
        ("pymerkle 7.0.0 InmemoryTree.append_entry", pymerkle_build),
        ("tlog extend_tiles, batches of 1,000, no database", tiles_build),
        (LIMIT, hashlib_build),
    ):
        seconds, root = best_of(lambda build=build: build(data))
        assert root == log_root, f"{name} built a different tree than the log"
        rates[name] = size / seconds
    rows = [
        [name, f"{rate:,.0f}", f"{db_rate / rate:.3f}", f"{rate / rates[LIMIT]:.3f}"]
        for name, rate in rates.items()
    ]
    header = ["build of the same leaves", "entries/s", "ours with DB ÷ this", "this ÷ limit"]
    return common.table(header, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args = common.arguments(parser)
    plan = QUICK_PLAN if args.quick else PLAN
    machine = common.machine_description()
    common.django_setup(common.database_name("integration"))
    from judicial_verify.ledger.publish import checkpoint_publish

    common.integration_by_hand()  # the timed log_integrate calls do all the integrating
    checkpoint_publish()

    runs, submit_seconds = database_phase(plan)
    submitted = sum(run.entries for run in runs)
    target_rate = next(run.rate for run in runs if run.batch == TARGET_BATCH)
    met = target_rate >= TARGET_RATE
    body = [
        "Integration, PostgreSQL (log_integrate: each batch is one transaction that assigns"
        " indices and writes tiles; it signs no checkpoint):",
        "",
        *common.table(
            ["batch", "entries", "batches", "seconds", "entries/s", "ms/batch"],
            [run.row for run in runs],
        ),
        "",
        f"Target ≥{TARGET_RATE:,} entries/s at batch {TARGET_BATCH:,}:"
        f" {common.verdict(met, args)} ({target_rate:,.0f}).",
        "",
        f"Submission: {submitted / submit_seconds:,.0f} entries/s (entries_submit,"
        f" {SUBMIT_CALL:,} entries a call, {submitted:,} entries).",
        "",
        f"Side by side on the log's {submitted:,} leaves (best of {REPEATS}; all four roots"
        " equal):",
        "",
        *memory_phase(submitted, target_rate),
    ]
    figure = common.Figure(
        name=f"integration, batch {TARGET_BATCH:,}",
        value=target_rate,
        shown=f"{target_rate:,.0f} entries/s",
        target=f"≥ {TARGET_RATE:,} entries/s",
        met=met,
    )
    common.report("bench_integration", machine, body, [figure], args)


if __name__ == "__main__":
    main()
