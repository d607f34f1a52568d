"""A real log, built by the real integrator and served by a live server, for a mirror to follow."""

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from judicial_verify.ledger.keys import log_signer
from judicial_verify.ledger.publish import checkpoint_publish
from judicial_verify.ledger.read import integrated_size
from judicial_verify.ledger.submit import entries_submit
from tests.ledger.conftest import document_entry
from tests.publishing import integrate_and_publish

Grow = Callable[[int], int]
Mirror = Callable[[Path], str]


@pytest.fixture
def grow(transactional_db: None) -> Grow:
    """Submits and integrates `count` more entries into the log; returns its new size."""
    checkpoint_publish()

    def _grow(count: int) -> int:
        start = integrated_size()
        entries_submit(entries=[document_entry(start + i) for i in range(count)])
        integrate_and_publish()
        return start + count

    return _grow


@pytest.fixture
def policy(tmp_path: Path, grow: Grow) -> Path:
    """A tlog-policy trusting the log's key and asking no witness, as the log publishes today."""
    path = tmp_path / "log.policy"
    path.write_text(f"log {log_signer().verifier_key}\nquorum none\n")
    return path


@pytest.fixture
def mirror(live_server: LiveServer) -> Mirror:
    """Runs `manage.py mirror <the live log> --policy <policy> --once`; returns its output."""

    def _mirror(policy: Path) -> str:
        out = io.StringIO()
        url = live_server.url + "/log/"
        call_command("mirror", url, "--policy", str(policy), "--once", stdout=out)
        return out.getvalue()

    return _mirror
