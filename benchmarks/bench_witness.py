"""A witness under load: C2SP tlog-witness add-checkpoint requests from clients that each
advance a log of their own, against a witness served by gunicorn on 127.0.0.1.

Run: .venv/bin/python benchmarks/bench_witness.py   (about a minute; --quick for a smoke
     run of about 20 seconds, --help for the options)

Set-up: database jv_bench_witness recreated, a temporary STATE_DIR in which the witness makes
its cosigning key. --logs L logs, each with an Ed25519 key of its own and the origin
bench-witness-log-<i>.example/log, all trusted by the witness (services.log_trust, what
`manage.py witness_trust` does). The witness is served by gunicorn, --workers sync workers
(2 × cores + 1), on a free port of 127.0.0.1, as bench_api's server is; no Redis.

The requests are made before the load starts, so that the load process only sends them:
one tree of leaf hashes, held in memory as tlog tiles, grows from --log-size leaves (10^6)
by --step leaves a checkpoint (1,000: a checkpoint a second of a log taking 1,000 entries/s),
and every log is that tree under its own origin and key. Each log's first checkpoint (`old
0`) is cosigned before the clock starts; each next request carries the size the witness last
cosigned as `old`, the consistency proof from it (about 20 hashes at 10^6 leaves) and the new
checkpoint signed by the log's key.

The load: a second process, L threads, one a log, each sending its log's requests one after
the other for --seconds after a short warm-up. With one client a log no request races
another, so a 409 would be the witness's error: the run has none, or says so. A request
counts when it answered 200 with a cosignature line that verifies, under the witness's key,
over the very checkpoint sent (checked after the clock stops); at the end the witness holds,
for every log, the last checkpoint it cosigned. Requests/s = counted requests / wall time
from the first request to the last answer; median and p99 latency as the client saw them;
CPU per request of the gunicorn workers, the PostgreSQL backends and the load process.
"""

import argparse
import http.client
import json
import math
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import common

# judicial_verify is imported inside functions: only once common.arguments() has chosen the
# code to measure, and what needs Django only after common.django_setup().

DATABASE = common.database_name("witness")
TARGET_RATE = 200.0
WARM_UP = 5  # requests per log before the clock starts, after its first checkpoint
# Requests made per log are enough for this rate over the whole run; a faster witness runs
# out of them before --seconds end, and the rate is still counted over the time it took.
RATE_PREPARED = 1_000.0
FULL = {"seconds": 30.0, "log_size": 10**6}
QUICK = {"seconds": 8.0, "log_size": 10**5}
LEAF_CHUNK = 100_000
TIMEOUT = 30.0


def origin(log: int) -> str:
    return f"bench-witness-log-{log}.example/log"


# The requests, made beforehand


@dataclass(frozen=True)
class Prepared:
    """Each log's signer key, the sizes and roots of the tree it advances through, and each
    log's request bodies: the first's `old` is 0, each next's the size before it."""

    skeys: list[str]
    sizes: list[int]
    roots: list[bytes]
    bodies: list[list[bytes]]
    proof_hashes: tuple[int, int]  # the fewest and the most hashes of a proof


def tree_prepare(
    size: int, step: int, count: int
) -> tuple[list[int], list[bytes], list[list[bytes]]]:
    """The tree at `count` sizes from `size` by `step`: the sizes, their roots, and the
    consistency proof leading to each from the one before (none for the first)."""
    from judicial_verify.tlog.tile import TileCache, TileHashReader, edge_tiles, extend_tiles
    from judicial_verify.tlog.tree import consistency_proof, leaf_hash, tree_hash

    last = size + step * (count - 1)
    tiles: dict[tuple[int, int], bytes] = {}
    for start in range(0, last, LEAF_CHUNK):
        stop = min(start + LEAF_CHUNK, last)
        edge = {t.level: tiles[(t.level, t.index)] for t in edge_tiles(start)}
        leaves = [leaf_hash(n.to_bytes(8, "big")) for n in range(start, stop)]
        tiles.update(extend_tiles(start, edge, leaves))
    cache = TileCache(4096)

    def reader(at: int) -> TileHashReader:
        # A stored tile is at least as wide as a smaller tree's: a reader may return wider.
        return TileHashReader(at, lambda ts: [tiles[(t.level, t.index)] for t in ts], cache)

    sizes = [size + step * k for k in range(count)]
    roots = [tree_hash(at, reader(at)) for at in sizes]
    proofs: list[list[bytes]] = [[]] + [
        consistency_proof(old, new, reader(new)) for old, new in zip(sizes, sizes[1:], strict=False)
    ]
    return sizes, roots, proofs


def requests_prepare(logs: int, size: int, step: int, count: int) -> Prepared:
    from judicial_verify.tlog.checkpoint import Checkpoint, format_checkpoint
    from judicial_verify.tlog.cosignature import AddCheckpoint, format_add_checkpoint
    from judicial_verify.tlog.note import Signer, generate_signer_key, sign_note

    began = time.perf_counter()
    sizes, roots, proofs = tree_prepare(size, step, count)
    skeys = [generate_signer_key(origin(log))[0] for log in range(logs)]
    bodies = []
    for log, skey in enumerate(skeys):
        signer = Signer(skey)
        mine = []
        for k, (at, root, proof) in enumerate(zip(sizes, roots, proofs, strict=True)):
            text = format_checkpoint(Checkpoint(origin(log), at, root))
            old = sizes[k - 1] if k else 0
            note = sign_note(text, [signer])
            mine.append(format_add_checkpoint(AddCheckpoint(old, tuple(proof), note)))
        bodies.append(mine)
    lengths = [len(p) for p in proofs[1:]]
    proof_hashes = (min(lengths, default=0), max(lengths, default=0))
    print(
        f"{logs} logs × {count:,} requests made in {time.perf_counter() - began:.1f} s (tree"
        f" {sizes[0]:,} -> {sizes[-1]:,} leaves, proofs of {proof_hashes[0]}-{proof_hashes[1]}"
        " hashes)",
        flush=True,
    )
    return Prepared(skeys, sizes, roots, bodies, proof_hashes)


# The load process


def send(conn: http.client.HTTPConnection, body: bytes) -> tuple[int, bytes, float, float]:
    """POSTs one add-checkpoint body; returns the status, the answer and the times (status
    0, and the error as the answer, when no answer came)."""
    started = time.monotonic()
    try:
        conn.request("POST", "/witness/add-checkpoint", body)
        response = conn.getresponse()
        status, data = response.status, response.read()
    except (OSError, http.client.HTTPException) as e:
        conn.close()
        status, data = 0, f"no answer: {e!r}".encode()
    return status, data, started, time.monotonic()


def client_log(
    base: str,
    bodies: Sequence[bytes],
    warm_up: int,
    start: threading.Barrier,
    until: list[float],
    out: list[dict[str, Any]],
) -> None:
    """Sends one log's requests in order: the warm-up ones, then the rest until `until[0]`
    (set once every thread has warmed up), stopping at the first that is not cosigned."""
    host, port = base.removeprefix("http://").split(":")
    # gunicorn's sync workers close each connection after its answer; http.client opens
    # the next by itself.
    conn = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
    failed = False
    for k in range(1, warm_up + 1):
        status, data, _, _ = send(conn, bodies[k])
        if status != 200:
            out.append({"k": k, "status": status, "answer": data.decode(errors="replace"),
                        "warm_up": True})  # fmt: skip
            failed = True
            break
    start.wait()
    for k in range(warm_up + 1, len(bodies)):
        if failed or time.monotonic() >= until[0]:
            break
        status, data, started, returned = send(conn, bodies[k])
        out.append({"k": k, "status": status, "answer": data.decode(errors="replace"),
                    "started": started, "returned": returned})  # fmt: skip
        failed = status != 200
    conn.close()


def client_main(base: str, prepared: Path, seconds: float) -> None:
    """The load process: a thread a log; prints its calls and CPU time as JSON."""
    bodies: list[list[bytes]] = pickle.loads(prepared.read_bytes())  # noqa: S301 (our own file)
    until = [math.inf]

    def started() -> None:
        until[0] = time.monotonic() + seconds

    start = threading.Barrier(len(bodies), action=started)
    calls: list[list[dict[str, Any]]] = [[] for _ in bodies]
    threads = [
        threading.Thread(target=client_log, args=(base, mine, WARM_UP, start, until, calls[log]))
        for log, mine in enumerate(bodies)
    ]
    cpu_before = time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    json.dump({"calls": calls, "cpu": time.process_time() - cpu_before}, sys.stdout)


def load_run(server: common.Server, prepared: Path, seconds: float) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__)), "--client", server.base, str(prepared),
               str(seconds)]  # fmt: skip
    out = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 10 * TIMEOUT
    )
    return dict(json.loads(out.stdout))


# The witness


def witness_setup(prepared: Prepared) -> str:
    """Trusts every log's key; returns the witness's cosigner verifier key."""
    from judicial_verify.tlog.note import Signer
    from judicial_verify.witness.keys import witness_cosigner
    from judicial_verify.witness.services import log_trust

    for skey in prepared.skeys:
        log_trust(vkey=Signer(skey).verifier_key)
    return witness_cosigner().verifier_key


def first_checkpoints(server: common.Server, prepared: Prepared) -> None:
    """Each log's first checkpoint (old 0), cosigned before the clock starts."""
    host, port = server.base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
    for log, bodies in enumerate(prepared.bodies):
        status, data, _, _ = send(conn, bodies[0])
        if status != 200:
            raise SystemExit(f"the witness refused {origin(log)}'s first checkpoint: {data!r}")
    conn.close()


@dataclass(frozen=True)
class Outcome:
    cosigned: int  # 200s whose cosignature verifies over the checkpoint sent
    answers: dict[int, int]  # status -> count, measured requests
    refused: list[str]  # answers that were no valid cosignature, and a state that is off
    seconds: float
    latencies: list[float]  # of the counted requests
    exhausted: int  # logs that sent every request made for them before the time was up


def outcome_check(result: dict[str, Any], prepared: Prepared, vkey: str) -> Outcome:
    """Verifies every answer's cosignature over the checkpoint sent, and that the witness now
    holds each log's last cosigned checkpoint."""
    from judicial_verify.tlog.checkpoint import Checkpoint, format_checkpoint
    from judicial_verify.tlog.cosignature import CosignatureVerifier, parse_signature_lines
    from judicial_verify.tlog.errors import TlogError
    from judicial_verify.witness.models import WitnessedLog

    verifier = CosignatureVerifier(vkey)
    answers: dict[int, int] = {}
    refused: list[str] = []
    latencies: list[float] = []
    measured = [c for calls in result["calls"] for c in calls if not c.get("warm_up")]
    for log, calls in enumerate(result["calls"]):
        last = 0
        for call in calls:
            k = call["k"]
            if call.get("warm_up"):
                refused.append(f"{origin(log)} warm-up {k}: {call['status']} {call['answer']!r}")
                continue
            answers[call["status"]] = answers.get(call["status"], 0) + 1
            text = format_checkpoint(Checkpoint(origin(log), prepared.sizes[k], prepared.roots[k]))
            try:
                if call["status"] != 200:
                    raise TlogError(f"answered {call['status']}: {call['answer']!r}")
                (sig,) = parse_signature_lines(call["answer"].encode())
                verifier.verify(text, sig)
            except (TlogError, ValueError) as e:
                refused.append(f"{origin(log)} request {k}: {e}")
                continue
            latencies.append(call["returned"] - call["started"])
            last = k
        held = WitnessedLog.objects.get(origin=origin(log)).size
        expected = prepared.sizes[last or WARM_UP]
        if held != expected:
            refused.append(f"{origin(log)}: the witness holds size {held}, not {expected}")
    if len(latencies) < 2:
        raise SystemExit("the witness cosigned too few requests: " + "; ".join(refused[:10]))
    wall = max(c["returned"] for c in measured) - min(c["started"] for c in measured)
    final = len(prepared.sizes) - 1
    exhausted = sum(1 for calls in result["calls"] if calls and calls[-1]["k"] == final)
    return Outcome(len(latencies), answers, refused, wall, latencies, exhausted)


def report_body(
    outcome: Outcome,
    cpu: dict[str, float],
    prepared: Prepared,
    args: argparse.Namespace,
) -> tuple[list[str], common.Figure]:
    rate = outcome.cosigned / outcome.seconds
    q = common.quantiles_ms(outcome.latencies)
    met = rate >= TARGET_RATE and not outcome.refused
    answers = ", ".join(f"{s} ×{n:,}" for s, n in sorted(outcome.answers.items()))
    per_request = {k: v / max(outcome.cosigned, 1) * 1e3 for k, v in cpu.items()}
    cores = os.cpu_count() or 1
    ceiling = cores / (sum(per_request.values()) / 1e3) if outcome.cosigned else 0.0
    fewest, most = prepared.proof_hashes
    figure = common.Figure(
        name="add-checkpoint requests/s (a log a client, cosigned and verified)",
        value=rate,
        shown=f"{rate:,.0f} requests/s (p50 {q['median']:.1f} ms, p99 {q['p99']:.1f} ms)",
        target=f"≥ {TARGET_RATE:,.0f} requests/s",
        met=met,
    )
    lines = [
        f"A witness (gunicorn, {args.workers} sync workers, PostgreSQL) trusting {args.logs}"
        f" logs; a load process of {args.logs} threads, one a log, each sending its log's"
        f" add-checkpoint requests one after the other for {args.seconds:g} s. Each log grows"
        f" from {args.log_size:,} leaves by {args.step:,} a checkpoint (consistency proofs of"
        f" {fewest} to {most} hashes); {WARM_UP} requests a log before the clock starts.",
        "",
        *common.table(
            ["cosigned", "seconds", "requests/s", "median ms", "p90 ms", "p99 ms", "max ms"],
            [
                [
                    f"{outcome.cosigned:,}",
                    f"{outcome.seconds:.1f}",
                    f"{rate:,.0f}",
                    *(f"{q[k]:.1f}" for k in ("median", "p90", "p99", "max")),
                ]
            ],
        ),
        "",
        f"Target ≥{TARGET_RATE:,.0f} add-checkpoint requests/s: {common.verdict(met, args)}"
        f" ({rate:,.0f}). Answers: {answers}; every 200's cosignature verified under the"
        f" witness's key over the checkpoint sent, and the witness ends holding each log's"
        f" last cosigned size: {'yes' if not outcome.refused else 'NO'}.",
    ]
    if outcome.refused:
        lines += ["", "Not cosigned or wrong:", "", *(f"- {r}" for r in outcome.refused[:10])]
    if outcome.exhausted:
        lines += [
            "",
            f"{outcome.exhausted} of {args.logs} logs sent every request made for them"
            f" ({len(prepared.sizes):,}) before the time was up; the rate is counted over"
            " the time it took.",
        ]
    lines += [
        "",
        "CPU milliseconds per cosigned request, from the load process's start to its end"
        f" (its {WARM_UP} warm-up requests a log included; the machine is shared, so other"
        " processes ran too):",
        "",
        *common.table(
            ["gunicorn workers", "PostgreSQL backends", "load process", "all"],
            [
                [f"{per_request[k]:.2f}" for k in ("web", "postgres", "load process")]
                + [f"{sum(per_request.values()):.2f}"]
            ],
        ),
        "",
        f"With the {cores} cores to themselves, these processes would be CPU-bound at about"
        f" {ceiling:,.0f} requests/s: a projection from the CPU used, not a measurement.",
    ]
    return lines, figure


# Main


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.workers_option(p)
    p.add_argument("--logs", type=int, default=10, help="logs, one client thread each (10)")
    sized = {"seconds": "seconds of load", "log_size": "leaves of each log's first checkpoint"}
    common.sized_options(p, FULL, QUICK, sized)
    p.add_argument("--step", type=int, default=1_000, help="leaves added a checkpoint (1,000)")
    p.add_argument("--client", nargs=3, help=argparse.SUPPRESS)  # the load process
    args = common.arguments(p)
    common.sized_defaults(args, FULL, QUICK)
    if args.client is None and (args.logs < 1 or args.step < 1 or args.log_size < 1):
        p.error("--logs, --step and --log-size are at least 1")
    return args


def main() -> None:
    args = arguments()
    if args.client:
        base, prepared_file, seconds = args.client
        client_main(base, Path(prepared_file), float(seconds))
        return
    machine = common.machine_description()
    state_dir = common.django_setup(DATABASE)
    count = 1 + WARM_UP + math.ceil(RATE_PREPARED * args.seconds / args.logs)
    prepared = requests_prepare(args.logs, args.log_size, args.step, count)
    vkey = witness_setup(prepared)
    prepared_file = state_dir / "requests.pickle"
    prepared_file.write_bytes(pickle.dumps(prepared.bodies))
    with common.gunicorn(state_dir, args.workers, common.server_env()) as server:
        first_checkpoints(server, prepared)
        groups = {"web": server.workers, "postgres": common.postgres_backends(DATABASE)}
        before = common.cpu_by_pid(groups)
        result = load_run(server, prepared_file, args.seconds)
        groups["postgres"] = common.postgres_backends(DATABASE)
        cpu = common.cpu_used(before, common.cpu_by_pid(groups))
    cpu["load process"] = result["cpu"]
    outcome = outcome_check(result, prepared, vkey)
    body, figure = report_body(outcome, cpu, prepared, args)
    common.report("bench_witness", machine, body, [figure], args)


if __name__ == "__main__":
    main()
