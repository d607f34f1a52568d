"""The log publishes only what its alliance vouched for: three of the project's own witnesses,
each a real server process on its own database, any two of them a quorum.

The log is this test process, integrating with the real integrator and publishing with the
real publisher; each test's log has a new origin, so it is a new log to the witnesses,
which trust its key with `manage.py witness_trust` as an alliance member would.
"""

import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client

from judicial_verify.ledger import read
from judicial_verify.ledger.keys import log_signer
from judicial_verify.ledger.models import WitnessStatus
from judicial_verify.ledger.publish import checkpoint_publish
from judicial_verify.ledger.witnessing import QuorumNotMet
from judicial_verify.tlog.cosignature import generate_cosigner_key
from judicial_verify.tlog.note import open_note
from judicial_verify.tlog.policy import check_quorum, parse_policy
from tests.publishing import integrate_and_publish
from tests.witness_servers import WitnessServer, finished, witnesses_remove, witnesses_start

from .conftest import integrated_unpublished
from .fake_witnesses import policy_write

ROOT = Path(__file__).resolve().parent.parent.parent
NAMES = ("w1", "w2", "w3")

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def witness_servers(
    django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[WitnessServer]]:
    states = [tmp_path_factory.mktemp(f"witness-{name}") for name in NAMES]
    witnesses = witnesses_start(NAMES, states)
    yield witnesses
    witnesses_remove(witnesses)


@dataclass
class Alliance:
    witnesses: dict[str, WitnessServer]
    policy: Path

    def grow(self, count: int) -> int:
        """Anchors `count` more documents, integrates and publishes them; returns the log's
        new published size."""
        integrated_unpublished(count)
        checkpoint_publish()
        return read.checkpoint_latest().size

    def cosigners(self) -> list[str]:
        """The witnesses whose valid cosignatures the newest published checkpoint carries,
        once its log signature is checked and the policy's quorum found met."""
        policy = parse_policy(self.policy.read_bytes())
        note = open_note(
            bytes(read.checkpoint_latest().note), [log.verifier for log in policy.logs]
        )
        return [c.witness for c in check_quorum(policy, note.text, note.unverified_sigs)]


def alliance_policy(path: Path, witnesses: list[WitnessServer], **vkeys: str) -> Path:
    """The log's key, each witness (with another key where `vkeys` says), two a quorum."""
    lines = [(w.name, vkeys.get(w.name, w.vkey), w.url) for w in witnesses]
    return policy_write(
        path,
        log_signer().verifier_key,
        lines,
        quorum="alliance",
        groups=["group alliance 2 w1 w2 w3"],
    )


@pytest.fixture
def alliance(
    witness_servers: list[WitnessServer], settings: LazySettings, tmp_path: Path
) -> Alliance:
    """A new log, witnessed by all three witnesses (restarted if a test stopped them)."""
    for witness in witness_servers:
        if not witness.running:
            witness.start()
    settings.LOG_ORIGIN = f"court-{uuid.uuid4().hex[:12]}.example/log"
    settings.REDIS_URL = ""  # /status asks for no worker: tasks run in this process
    vkey = log_signer().verifier_key
    finished([w.manage("witness_trust", vkey) for w in witness_servers])
    settings.WITNESS_POLICY = alliance_policy(tmp_path / "log.policy", witness_servers)
    checkpoint_publish()
    return Alliance({w.name: w for w in witness_servers}, settings.WITNESS_POLICY)


def status() -> dict[str, Any]:
    body: dict[str, Any] = Client().get("/status").json()
    return body


def test_the_log_publishes_checkpoints_cosigned_by_every_witness(alliance: Alliance) -> None:
    assert alliance.cosigners() == ["w1", "w2", "w3"]  # the empty tree's, at the start
    assert alliance.grow(5) == 5
    assert alliance.cosigners() == ["w1", "w2", "w3"]
    assert alliance.grow(3) == 8
    assert alliance.cosigners() == ["w1", "w2", "w3"]
    assert [s.size for s in WitnessStatus.objects.order_by("name")] == [8, 8, 8]
    assert (status()["status"], status()["witnessing"]) == ("up", "ok")


def test_a_receipt_verifies_offline_with_the_policy(alliance: Alliance, tmp_path: Path) -> None:
    alliance.grow(4)
    receipt = tmp_path / "entry-2.tlog-proof"
    receipt.write_bytes(read.receipt_get(2).data)
    verify = [sys.executable, "-m", "judicial_verify.tlog", "verify", "--receipt", str(receipt)]
    result = subprocess.run(
        [*verify, "--policy", str(alliance.policy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    for name in ("w1", "w2", "w3"):
        assert f"Witness {name} (key {name}.alliance.example/witness+" in result.stdout
    assert "meet the trust policy's witness quorum: alliance = 2 of (w1, w2, w3)" in result.stdout


def test_with_one_witness_down_the_log_publishes_cosigned_by_the_other_two(
    alliance: Alliance,
) -> None:
    alliance.grow(2)
    alliance.witnesses["w3"].stop()
    assert alliance.grow(3) == 5
    assert alliance.cosigners() == ["w1", "w2"]
    body = status()
    assert (body["status"], body["witnessing"]) == ("degraded", "degraded")
    (failing,) = body["failing_witnesses"]
    assert failing["name"] == "w3"
    assert failing["error"] == "cannot connect (Connection refused)"


def test_with_two_witnesses_down_nothing_more_is_published_until_they_return(
    alliance: Alliance,
) -> None:
    alliance.grow(2)
    alliance.witnesses["w2"].stop()
    alliance.witnesses["w3"].stop()
    integrated_unpublished(3)
    with pytest.raises(QuorumNotMet) as failure:
        checkpoint_publish()
    assert set(failure.value.failures) == {"w2", "w3"}
    assert "w2: cannot connect (Connection refused)" in str(failure.value)
    # Nothing lost, nothing published: the entries wait, the checkpoint stays as it was.
    assert read.integrated_size() == 5
    assert read.checkpoint_latest().size == 2
    body = status()
    assert (body["status"], body["witnessing"]) == ("down", "failing")
    assert sorted(f["name"] for f in body["failing_witnesses"]) == ["w2", "w3"]

    alliance.witnesses["w2"].start()
    alliance.witnesses["w3"].start()
    assert integrate_and_publish() == 0
    assert read.checkpoint_latest().size == 5
    assert alliance.cosigners() == ["w1", "w2", "w3"]
    assert status()["witnessing"] == "ok"


def test_a_witness_ahead_of_what_the_log_remembers_is_proved_again_from_its_size(
    alliance: Alliance,
) -> None:
    alliance.grow(3)
    # w1 alone cosigns size 6, which the log cannot publish without a second witness...
    alliance.witnesses["w2"].stop()
    alliance.witnesses["w3"].stop()
    integrated_unpublished(3)
    with pytest.raises(QuorumNotMet):
        checkpoint_publish()
    assert WitnessStatus.objects.get(name="w1").size == 6
    # ...and then the log forgets what it knew of its witnesses (a restored database).
    WitnessStatus.objects.all().delete()
    alliance.witnesses["w2"].start()
    alliance.witnesses["w3"].start()
    # The next checkpoint goes to w1 as if it were at 3, the last size published: w1 answers
    # 409 with 6, and cosigns once proved consistent from 6.
    assert alliance.grow(4) == 10
    assert alliance.cosigners() == ["w1", "w2", "w3"]
    assert [s.size for s in WitnessStatus.objects.order_by("name")] == [10, 10, 10]


def test_a_cosignature_by_a_key_the_policy_does_not_name_is_not_counted(
    alliance: Alliance, witness_servers: list[WitnessServer]
) -> None:
    # The policy expects another key of w3 than the one its server cosigns with.
    other = generate_cosigner_key("w3.alliance.example/witness")[1]
    alliance_policy(alliance.policy, witness_servers, w3=other)
    alliance.grow(2)
    assert alliance.cosigners() == ["w1", "w2"]
    failing = status()["failing_witnesses"]
    assert failing[0]["name"] == "w3"
    assert failing[0]["error"] == "answered 200 without a cosignature by its key"
