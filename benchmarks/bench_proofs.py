"""Inclusion-proof latency from PostgreSQL at growing log sizes, beside the same proofs from
tiles held in memory and from pymerkle 7.0.0.

Run: .venv/bin/python benchmarks/bench_proofs.py [--large]   (up to about 25 minutes;
about 45 with --large; --quick for a smoke run to 10^5 entries, --help for the options)

One log grows through 10^4, 10^5 and 10^6 entries (submitted 1,000 a call and integrated in
batches of 10,000), and on to 10^7 when the rates measured on the way to 10^6, the free
disk and the free memory say it fits the time budget, or when --large asks for it whatever
the budget. At each size, for the same random indices, it times:

- ledger.read.inclusion_proof_published(index) in-process, as the API proves an entry, cold:
  the process's tile cache emptied before each proof, so the newest checkpoint and O(log n)
  tiles are read from the database and hashed every time;
- the same, warm: as a server runs once earlier proofs have filled its tile cache (one
  proof in every level-0 tile first; at 10^7 the cache holds only part of the tiles, so
  some proofs still miss), reading the checkpoint and any tile not cached from the database;
- the same tlog proof from every tile held in memory: the hashing alone, no database;
- pymerkle's InmemoryTree.prove_inclusion on the same leaves.

All three proofs are checked to be equal, and to verify against the signed root. The
1-minute load average at each size is reported beside the figures: the machine is shared.
"""

import argparse
import gc
import math
import os
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import common
from pymerkle import InmemoryTree

# judicial_verify is imported inside functions: only once common.arguments() has chosen the
# code to measure, and what needs Django only after common.django_setup().

SIZES = [10**4, 10**5, 10**6]
QUICK_SIZES = [10**4, 10**5]
LARGE = 10**7  # measured only when the projection below fits the budget, or with --large
BUDGET_SECONDS = 25 * 60
# Both rates fall as the log outgrows memory (the database's pages, pymerkle's nodes): the
# projection to LARGE scales the rates measured on the way to 10^6 down by these factors.
FILL_SLOWDOWN, PYMERKLE_SLOWDOWN = 0.75, 0.5
SAMPLES, WARMUP = 2_000, 200
QUICK_SAMPLES = 200
SUBMIT_CALL = 1_000
TARGET_SIZE, TARGET_MEDIAN_MS = 10**6, 1.0
SEED = 9162
PROVERS = ("database, cold", "database, warm", "tiles in memory", "pymerkle")

Prover = Callable[[int], Sequence[bytes]]


class Pymerkle:
    """pymerkle's in-memory tree, kept growing alongside the log with the same leaves."""

    def __init__(self) -> None:
        self.tree = InmemoryTree(algorithm="sha256")
        self.rate = 0.0  # appends/s
        self.make_rate = 0.0  # entries made (the same leaves as the log's) per second

    def grow_to(self, size: int) -> None:
        """Appends the log's next leaves; times the appends apart from making the entries."""
        start, making, appending = self.tree.get_size(), 0.0, 0.0
        for at in range(start, size, SUBMIT_CALL):
            began = time.perf_counter()
            chunk = common.entry_bytes(at, min(SUBMIT_CALL, size - at))
            made = time.perf_counter()
            for data in chunk:
                self.tree.append_entry(data)
            making, appending = making + made - began, appending + time.perf_counter() - made
        self.rate, self.make_rate = (size - start) / appending, (size - start) / making

    def prove(self, index: int) -> list[bytes]:
        # pymerkle counts leaves from one, and its path starts with the leaf hash itself.
        return list(self.tree.prove_inclusion(index + 1).path[1:])


def database_prover(*, cold: bool) -> Prover:
    from judicial_verify.ledger.read import inclusion_proof_published
    from judicial_verify.ledger.tile_store import TILE_CACHE

    def prove(index: int) -> list[bytes]:
        if cold:
            TILE_CACHE.clear()
        return list(inclusion_proof_published(index).hashes)

    return prove


def cache_warmed(size: int, prove: Prover) -> None:
    """One proof in every level-0 tile, as a server's earlier proofs would have done."""
    for index in range(0, size, 256):
        prove(index)


def memory_prover(size: int) -> Prover:
    """A tlog prover over every stored tile, loaded into a dict first."""
    from judicial_verify.ledger.models import Tile
    from judicial_verify.tlog.tile import TileHashReader
    from judicial_verify.tlog.tree import inclusion_proof

    tiles = {(lv, ix): bytes(d) for lv, ix, d in Tile.objects.values_list("level", "index", "data")}
    reader = TileHashReader(size, lambda wanted: [tiles[(t.level, t.index)] for t in wanted])
    return lambda index: inclusion_proof(index, size, reader)


def latencies(prove: Prover, indices: Sequence[int], warmup: Sequence[int]) -> list[float]:
    """Seconds per proof of each index, after untimed proofs of other indices (connections,
    query caches), so the timed ones find no tile of their own already fetched."""
    for index in warmup:
        prove(index)
    samples = []
    for index in indices:
        start = time.perf_counter()
        prove(index)
        samples.append(time.perf_counter() - start)
    return samples


def proofs_check(provers: dict[str, Prover], indices: Sequence[int], size: int) -> None:
    """The provers agree, and their proofs verify against the newest signed checkpoint."""
    from judicial_verify.ledger.read import checkpoint_latest
    from judicial_verify.tlog.tree import leaf_hash, verify_inclusion

    root = bytes(checkpoint_latest().root_hash)
    for index in indices:
        proofs = {name: list(prove(index)) for name, prove in provers.items()}
        first = next(iter(proofs.values()))
        assert all(p == first for p in proofs.values()), f"proofs of {index} differ"
        leaf = leaf_hash(common.entry_bytes(index, 1)[0])
        verify_inclusion(leaf_hash=leaf, index=index, size=size, proof=first, root=root)


@dataclass
class Measured:
    size: int
    fill_rate: float
    pymerkle_rate: float
    load: float  # the 1-minute load average when the proofs were timed
    quantiles: dict[str, dict[str, float]]  # prover name -> median/p90/p99/max in ms
    samples: int  # proofs timed per prover


def measure(size: int, fill_rate: float, peer: Pymerkle, samples: int) -> Measured:
    peer.grow_to(size)
    provers = {
        "database, cold": database_prover(cold=True),
        "database, warm": database_prover(cold=False),
        "tiles in memory": memory_prover(size),
        "pymerkle": peer.prove,
    }
    rng = random.Random(SEED + size)
    indices = [rng.randrange(size) for _ in range(samples)]
    warmup = [rng.randrange(size) for _ in range(WARMUP)]
    proofs_check(provers, indices[:20], size)
    # pymerkle's tree is tens of millions of objects at 10^7; left to the collector, each full
    # collection walks them all in the middle of some timed proof, whichever prover's it is.
    gc.collect()
    gc.freeze()
    load = os.getloadavg()[0]
    quantiles = {}
    for name, prove in provers.items():
        if name == "database, warm":
            # Here, not before the cold prover, which empties the cache before every proof.
            cache_warmed(size, prove)
        quantiles[name] = common.quantiles_ms(latencies(prove, indices, warmup))
    cold, warm = quantiles["database, cold"], quantiles["database, warm"]
    print(
        f"size {size:>10,}: database median {cold['median']:.3f} ms cold,"
        f" {warm['median']:.3f} ms warm",
        flush=True,
    )
    return Measured(size, fill_rate, peer.rate, load, quantiles, samples)


def database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


def large_size_verdict(started: float, size: int, fill_rate: float, peer: Pymerkle) -> str:
    """Returns "" when growing to LARGE fits the time, disk and memory left; else why not."""
    grow = LARGE - size
    per_entry = (
        1 / (fill_rate * FILL_SLOWDOWN) + 1 / peer.make_rate + 1 / (peer.rate * PYMERKLE_SLOWDOWN)
    )
    seconds = grow * per_entry
    left = BUDGET_SECONDS - (time.monotonic() - started)
    disk_needed = database_bytes() / size * grow * 2  # twice: WAL and autovacuum churn
    disk_free = shutil.disk_usage("/var/lib/postgresql").free
    memory_needed = _rss_bytes() / size * grow * 1.5  # pymerkle holds every node in memory
    memory_free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    reasons = []
    if seconds > left:
        reasons.append(
            f"growing by {grow:,} entries (the log at {fill_rate:,.0f} entries/s measured,"
            f" pymerkle at {peer.rate:,.0f}/s, both slowing as they grow) needs"
            f" ~{seconds / 60:.0f} min, {max(left, 0) / 60:.0f} min of the budget are left;"
            " run with --large to measure it anyway"
        )
    if disk_needed > disk_free:
        reasons.append(
            f"needs ~{disk_needed / 2**30:.0f} GiB of disk, {disk_free / 2**30:.0f} free"
        )
    if memory_needed > memory_free:
        reasons.append(
            f"pymerkle needs ~{memory_needed / 2**30:.0f} GiB, {memory_free / 2**30:.0f} free"
        )
    return "; ".join(reasons)


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run(started: float, args: argparse.Namespace) -> tuple[list[Measured], str]:
    """Grows the log through SIZES (QUICK_SIZES with --quick; then LARGE if it fits or
    --large asks); returns the measurements and the reason LARGE was skipped ("" when
    measured)."""
    peer, results, size = Pymerkle(), [], 0
    samples = QUICK_SAMPLES if args.quick else SAMPLES
    for target in QUICK_SIZES if args.quick else SIZES:
        rate = common.log_fill(size, target)
        size = target
        results.append(measure(size, rate, peer, samples))
    if args.quick:
        skipped = "a --quick run"
    elif args.no_large:
        skipped = "--no-large asked to stop at the target's size"
    elif args.large:
        skipped = ""
    else:
        skipped = large_size_verdict(started, size, rate, peer)
    if not skipped:
        rate = common.log_fill(size, LARGE)
        results.append(measure(LARGE, rate, peer, samples))
    return results, skipped


def body(results: Sequence[Measured], skipped: str, args: argparse.Namespace) -> list[str]:
    def cells(q: dict[str, float]) -> str:
        return f"{q['median']:.3f} / {q['p90']:.3f} / {q['p99']:.3f}"

    rows = [
        [
            f"{m.size:,}",
            *(cells(m.quantiles[n]) for n in PROVERS),
            f"{m.quantiles['database, warm']['median'] / m.quantiles['pymerkle']['median']:.2f}",
            f"{m.fill_rate:,.0f}",
            f"{m.pymerkle_rate:,.0f}",
            f"{m.load:.1f}",
        ]
        for m in results
    ]
    header = [
        "log size",
        "database, cold cache (ms)",
        "database, warm cache (ms)",
        "tiles in memory (ms)",
        "pymerkle (ms)",
        "database warm ÷ pymerkle (median)",
        "fill entries/s",
        "pymerkle appends/s",
        "load",
    ]
    at = target_measured(results)
    first, last = results[0], results[-1]
    growth = (
        last.quantiles["database, cold"]["median"] / first.quantiles["database, cold"]["median"]
    )
    said = {
        cache: f"{common.verdict(f.met, args)} ({f.value:.3f} ms)"
        for cache, f in zip(("cold", "warm"), figures(results, args), strict=True)
    }
    return [
        f"Inclusion proofs, {at.samples:,} random indices per size (same indices for all"
        " four), median / p90 / p99 in ms; all proofs equal and verified against the signed"
        " root:",
        "",
        *common.table(header, rows),
        "",
        f"Target median ≤{TARGET_MEDIAN_MS} ms from the database at {TARGET_SIZE:,}"
        f" (measured at {at.size:,}): warm cache {said['warm']}, cold cache {said['cold']}.",
        f"Growth: cold median ×{growth:.2f} from {first.size:,} to {last.size:,} entries"
        f" (log2 n ×{math.log2(last.size) / math.log2(first.size):.2f}).",
        f"{LARGE:,} not measured: {skipped}." if skipped else f"{LARGE:,} measured.",
    ]


def target_measured(results: Sequence[Measured]) -> Measured:
    """The measurement at TARGET_SIZE; a --quick run's largest, which stops short of it."""
    return next((m for m in results if m.size == TARGET_SIZE), results[-1])


def figures(results: Sequence[Measured], args: argparse.Namespace) -> list[common.Figure]:
    at = target_measured(results)
    out = []
    for cache in ("cold", "warm"):
        median_ms = at.quantiles[f"database, {cache}"]["median"]
        out.append(
            common.Figure(
                name=f"inclusion proof from PostgreSQL, {cache} tile cache, median",
                value=median_ms,
                shown=f"{median_ms:.3f} ms at {at.size:,} entries",
                target=f"≤ {TARGET_MEDIAN_MS:g} ms at {TARGET_SIZE:,}",
                met=median_ms <= TARGET_MEDIAN_MS and at.size == TARGET_SIZE,
                higher_is_better=False,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--large", action="store_true", help=f"grow to {LARGE:,} whatever the time budget"
    )
    parser.add_argument(
        "--no-large", action="store_true", help=f"stop at {TARGET_SIZE:,}, the target's size"
    )
    args = common.arguments(parser)
    if sum([args.quick, args.large, args.no_large]) > 1:
        parser.error("--large, --no-large and --quick exclude each other")
    started = time.monotonic()
    machine = common.machine_description()
    common.django_setup(common.database_name("proofs"))
    from judicial_verify.ledger.publish import checkpoint_publish

    common.integration_by_hand()  # log_fill integrates, in batches of common.FILL_BATCH
    checkpoint_publish()
    results, skipped = run(started, args)
    common.report(
        "bench_proofs", machine, body(results, skipped, args), figures(results, args), args
    )


if __name__ == "__main__":
    main()
