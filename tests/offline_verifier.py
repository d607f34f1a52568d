"""The offline verifier run as a lawyer would: python -m judicial_verify.tlog in a subprocess,
with none of the test run's Django settings."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def verifier_env(**extra: str) -> dict[str, str]:
    """The environment of a lawyer's shell: this repository's code, none of Django's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTHON"))}
    return {**env, "PYTHONPATH": str(REPO), "PYTHONUTF8": "1", **extra}


def run_cli(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "judicial_verify.tlog", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=verifier_env(**env),
        timeout=60,
        check=False,
    )
