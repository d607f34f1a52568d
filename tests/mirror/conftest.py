"""A real log, built by the real integrator and served by a live server, for a mirror to follow."""

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from judicial_verify.ledger.integrate import log_initialize, log_integrate
from judicial_verify.ledger.keys import log_signer
from judicial_verify.ledger.models import LogHead
from judicial_verify.ledger.submit import entries_submit
from tests.ledger.conftest import document_entry

Grow = Callable[[int], int]
Mirror = Callable[[Path], str]


@pytest.fixture
def grow(transactional_db: None) -> Grow:
    """Submits and integrates `count` more entries into the log; returns its new size."""
    log_initialize()

    def _grow(count: int) -> int:
        start = LogHead.objects.get(pk=1).size
        entries_submit(entries=[document_entry(start + i) for i in range(count)])
        log_integrate(batch_size=1000)
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
