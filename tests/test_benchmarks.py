"""The benchmarks behave like tools: every script under benchmarks/ answers --help without
running anything and offers --quick; a run of another checkout's code is never recorded; and
RESULTS.md's table of current figures and its sections are each rewritten by their owner
alone. No benchmark runs here: the figures themselves are not tested."""

import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
SCRIPTS = sorted(
    path for path in BENCHMARKS.glob("*.py") if 'if __name__ == "__main__":' in path.read_text()
)
# Servers that are not there: a script that began any work would fail on them.
NOWHERE = {
    "BENCH_POSTGRES": "postgres://nobody@127.0.0.1:9",
    "BENCH_REDIS": "redis://127.0.0.1:9/0",
    "BENCH_API_REDIS": "redis://127.0.0.1:9/0",
}


def script_run(script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script), *args],
        cwd=ROOT,
        env={**os.environ, **NOWHERE},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def benchmarks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmarks' modules importable, as they are to the scripts themselves."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))


def module(name: str) -> ModuleType:
    return importlib.import_module(name)


def test_the_scripts_are_the_eight_benchmarks_and_compare() -> None:
    assert [path.name for path in SCRIPTS] == [
        "bench_api.py",
        "bench_browser_hash.py",
        "bench_fingerprint.py",
        "bench_integration.py",
        "bench_mirror.py",
        "bench_proofs.py",
        "bench_publication.py",
        "bench_witness.py",
        "compare.py",
    ]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_every_script_answers_help_without_running_anything_and_offers_quick(
    script: Path,
) -> None:
    result = script_run(script, "--help")

    assert result.returncode == 0, result.stderr
    assert "--quick" in result.stdout


def test_a_run_of_another_checkouts_code_is_never_recorded() -> None:
    result = script_run(BENCHMARKS / "bench_integration.py", "--code", str(ROOT), "--record")

    assert result.returncode == 2
    assert "never recorded" in result.stderr


def test_it_refuses_code_from_a_folder_without_judicial_verify(tmp_path: Path) -> None:
    result = script_run(BENCHMARKS / "bench_proofs.py", "--quick", "--code", str(tmp_path))

    assert result.returncode == 2
    assert "holds no judicial_verify package" in result.stderr


def test_code_makes_the_run_and_the_processes_it_starts_import_that_checkouts_code(
    tmp_path: Path,
) -> None:
    package = tmp_path / "judicial_verify"
    package.mkdir()
    (package / "__init__.py").write_text("")
    probe = (
        "import argparse, os, subprocess, sys\n"
        "import common\n"
        "common.arguments(argparse.ArgumentParser())\n"
        "import judicial_verify\n"
        "print(judicial_verify.__file__)\n"
        "child = 'import judicial_verify; print(judicial_verify.__file__)'\n"
        "print(subprocess.run([sys.executable, '-c', child], capture_output=True, text=True,"
        " check=True, cwd=os.sep).stdout.strip())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, "--code", str(tmp_path)],
        cwd=BENCHMARKS,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(package / "__init__.py")] * 2


RESULTS = """# Benchmark results

<!-- figures -->
| benchmark | figure | target | measured |
|---|---|---|---|
| bench_a | rate | ≥ 1 | 2 |
| bench_a | latency | < 5 ms | 3 ms |
| bench_b | rate | ≥ 1 | 0.5 |
<!-- /figures -->

<!-- run bench_a -->
## bench_a: last run
old figures of a
<!-- /run bench_a -->

<!-- run bench_b -->
## bench_b: last run
figures of b
<!-- /run bench_b -->
"""


def test_a_recorded_run_replaces_its_own_section_and_no_other(benchmarks: None) -> None:
    text = module("results").section_put(RESULTS, "run bench_a", ["## bench_a: last run", "new"])

    assert "old figures of a" not in text
    assert "<!-- run bench_a -->\n## bench_a: last run\nnew\n<!-- /run bench_a -->" in text
    assert "<!-- run bench_b -->\n## bench_b: last run\nfigures of b\n" in text


def test_a_section_the_file_lacks_is_added_at_its_end(benchmarks: None) -> None:
    text = module("results").section_put(RESULTS, "compare bench_a", ["## before and after"])

    assert text.startswith(RESULTS)
    added = "<!-- compare bench_a -->\n## before and after\n<!-- /compare bench_a -->\n"
    assert text.endswith(added)


def test_a_figure_replaces_the_row_of_its_benchmark_and_figure_in_place(benchmarks: None) -> None:
    text = module("results").rows_put(RESULTS, ["| bench_a | rate | ≥ 1 | 7 |"])

    assert (
        "|---|---|---|---|\n"
        "| bench_a | rate | ≥ 1 | 7 |\n"
        "| bench_a | latency | < 5 ms | 3 ms |\n"
        "| bench_b | rate | ≥ 1 | 0.5 |\n"
        "<!-- /figures -->"
    ) in text
    assert "| bench_a | rate | ≥ 1 | 2 |" not in text


def test_a_new_figure_follows_the_rows_of_its_benchmark(benchmarks: None) -> None:
    text = module("results").rows_put(RESULTS, ["| bench_a | p99 | < 50 ms | 9 ms |"])

    assert (
        "| bench_a | latency | < 5 ms | 3 ms |\n"
        "| bench_a | p99 | < 50 ms | 9 ms |\n"
        "| bench_b | rate | ≥ 1 | 0.5 |\n"
    ) in text


def test_a_recorded_run_removes_the_rows_of_figures_its_benchmark_no_longer_has(
    benchmarks: None,
) -> None:
    text = module("results").rows_retire(RESULTS, "bench_a", ["rate", "p99"])

    assert (
        "|---|---|---|---|\n"
        "| bench_a | rate | ≥ 1 | 2 |\n"
        "| bench_b | rate | ≥ 1 | 0.5 |\n"
        "<!-- /figures -->"
    ) in text
    assert "latency" not in text


def test_removing_a_benchmarks_stale_rows_leaves_the_other_benchmarks_alone(
    benchmarks: None,
) -> None:
    text = module("results").rows_retire(RESULTS, "bench_c", [])

    assert text == RESULTS


def test_compare_counts_a_shorter_time_as_a_gain(benchmarks: None) -> None:
    figure = {"value": 0.8, "higher_is_better": False}

    assert module("compare").gain(figure, 1.0) == pytest.approx(0.25)


def test_compare_counts_a_higher_rate_as_a_gain(benchmarks: None) -> None:
    figure = {"value": 11_000, "higher_is_better": True}

    assert module("compare").gain(figure, 10_000) == pytest.approx(0.1)
