"""One benchmark, run on an older commit's code and on this checkout's in turn, and the figures
of both side by side: how "before and after" is measured in one run.

Run: .venv/bin/python benchmarks/compare.py --before REV [--pairs N] [--print-only] [--quick]
     SCRIPT [SCRIPT'S OPTIONS]   e.g. `benchmarks/compare.py --before main bench_proofs.py`

REV is checked out into a temporary git worktree (removed afterwards), and SCRIPT, this
checkout's, runs `--code` on it and then on this checkout's code, N times in turn (before,
after, before, after, ...), so that both are measured the same way and a slow spell of the
machine falls on both. SCRIPT's options go to every run. Runs of REV are never recorded; the
last run of this checkout's code records as any run of SCRIPT does (not with --print-only or
--quick), and the comparison then goes into RESULTS.md as SCRIPT's before-and-after section.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import results

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
RESULTS = BENCHMARKS / "RESULTS.md"


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--before", required=True, metavar="REV", help="the commit measured first")
    p.add_argument("--pairs", type=int, default=1, help="runs of each, in turn (1)")
    p.add_argument("--print-only", action="store_true", help="record nothing in RESULTS.md")
    p.add_argument("--quick", action="store_true", help="the benchmark's --quick runs")
    p.add_argument("script", help="a benchmark of benchmarks/, e.g. bench_api.py")
    p.add_argument("options", nargs=argparse.REMAINDER, help="the benchmark's own options")
    args = p.parse_args()
    script = BENCHMARKS / f"{Path(args.script).stem}.py"
    if not script.name.startswith("bench_") or not script.is_file():
        p.error(f"no benchmark {script.name} in {BENCHMARKS}")
    if args.pairs < 1:
        p.error("--pairs is at least 1")
    args.script = script
    if args.quick:
        args.options = ["--quick", *args.options]
    return args


def git(*args: str, cwd: Path = REPO) -> str:
    out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)  # noqa: S607
    return out.stdout.strip()


@contextmanager
def worktree(rev: str) -> Iterator[Path]:
    """A temporary worktree of `rev`, its translations compiled as the set-up does."""
    folder = Path(tempfile.mkdtemp(prefix="jv-bench-before-"))
    code = folder / "code"
    git("worktree", "add", "--detach", "--quiet", str(code), rev)
    try:
        command = [sys.executable, "manage.py", "compile_translations", "--verbosity", "0"]
        subprocess.run(command, cwd=code, check=True)
        yield code
    finally:
        git("worktree", "remove", "--force", str(code))
        shutil.rmtree(folder, ignore_errors=True)


def run(script: Path, options: Sequence[str], figures: Path) -> dict[str, Any]:
    """Runs a benchmark, its output shown as it comes; returns the figures it wrote."""
    print(f"\n$ {script.name} {' '.join(options)}", flush=True)
    command = [sys.executable, str(script), *options, "--figures", str(figures)]
    subprocess.run(command, cwd=REPO, check=True)
    return dict(json.loads(figures.read_text(encoding="utf-8")))


def gain(figure: dict[str, Any], before: float) -> float:
    """How much better the figure is than `before`, as a fraction (negative: worse)."""
    after = float(figure["value"])
    return after / before - 1 if figure["higher_is_better"] else before / after - 1


def comparison(pairs: Sequence[tuple[dict[str, Any], dict[str, Any]]]) -> list[str]:
    """The figures of each pair of runs side by side, and the median gain of each figure."""
    rows, gains = [], {}
    for number, (before, after) in enumerate(pairs, 1):
        was = {f["name"]: f for f in before["figures"]}
        for figure in after["figures"]:
            old = was.get(figure["name"])
            if old is None:
                continue
            change = gain(figure, float(old["value"]))
            gains.setdefault(figure["name"], []).append(change)
            ratio = float(figure["value"]) / float(old["value"])
            rows.append(
                [
                    number,
                    figure["name"],
                    old["shown"],
                    figure["shown"],
                    f"{ratio:.3f}",
                    f"{change:+.1%}",
                ]  # fmt: skip
            )
    header = ["pair", "figure", f"before ({pairs[0][0]['commit']})",
              f"after ({pairs[0][1]['commit']})", "after ÷ before", "gain"]  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    if len(pairs) > 1:
        lines += ["", "Median gain over the pairs:"]
        lines += [f"- {name}: {statistics.median(g):+.1%}" for name, g in gains.items()]
    return lines


def main() -> None:
    args = arguments()
    name = args.script.stem
    commit = git("rev-parse", "--short", f"{args.before}^{{commit}}")
    pairs = []
    with worktree(commit) as code, tempfile.TemporaryDirectory() as out:
        for number in range(1, args.pairs + 1):
            last = number == args.pairs
            # A run of other code is never recorded, so never asked to be.
            theirs = [o for o in args.options if o != "--record"]
            before = run(
                args.script, [*theirs, "--code", str(code), "--print-only"],
                Path(out) / f"before-{number}.json",
            )  # fmt: skip
            mine = [*args.options, *(["--print-only"] if args.print_only or not last else [])]
            after = run(args.script, mine, Path(out) / f"after-{number}.json")
            pairs.append((before, after))
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    options = " ".join([f"--pairs {args.pairs}", name + ".py", *args.options])
    section = [
        f"## {name}: before and after, {date}",
        "",
        f"`benchmarks/compare.py --before {commit} {options}`: {name} run on {commit}'s code"
        f" and on {pairs[-1][1]['commit']}'s in turn, on {pairs[-1][1]['machine']}; the last"
        f" run of the newer code is {name}'s last run in this file.",
        "",
        *comparison(pairs),
    ]
    print("\n" + "\n".join(section))
    if pairs[-1][1]["recorded"]:
        text = results.section_put(RESULTS.read_text(encoding="utf-8"), f"compare {name}",
                                   ["", *section, ""])  # fmt: skip
        RESULTS.write_text(text, encoding="utf-8")
        print(f"\nRecorded in {RESULTS}.")


if __name__ == "__main__":
    main()
