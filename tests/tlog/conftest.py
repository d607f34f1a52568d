"""Shared fixtures for the tlog tests: public test vectors and fresh keys."""

import json
from pathlib import Path
from typing import Any

import pytest

from judicial_verify.tlog.note import Signer, Verifier, generate_signer_key

# The shared folder sits beside the repository checkout, here and in CI.
VECTORS = Path(__file__).resolve().parents[3] / "shared" / "vectors"

LOG_ORIGIN = "court.example/log"


def load_vectors(name: str) -> Any:
    """Returns the parsed JSON test vector file `name` from the shared folder."""
    with open(VECTORS / name, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture
def log_keys() -> tuple[Signer, Verifier]:
    """A fresh log signing key named after the log's origin, and its verifier."""
    skey, vkey = generate_signer_key(LOG_ORIGIN)
    return Signer(skey), Verifier(vkey)
