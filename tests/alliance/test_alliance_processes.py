"""An alliance on this machine, every member a separate process as it is deployed: the court's
log (gunicorn and a Celery worker, on its own PostgreSQL database, STATE_DIR and Redis), three
witnesses run by other institutions (gunicorn, each on its own database, state and key), any
two of them a quorum in the log's WITNESS_POLICY, and mirrors following the log (`manage.py
mirror`, each on its own database).

Everything is done as the members and the public would do it: through the API with a node's
token, the management commands, the published checkpoints, the witnesses' add-checkpoint
endpoint and the offline verifier run as a command. The witnesses stopped by a test are
started again before the next one.
"""

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from judicial_verify.tlog.checkpoint import Checkpoint, format_checkpoint, origin_hash
from judicial_verify.tlog.checkpoint import parse_checkpoint as checkpoint_text_parse
from judicial_verify.tlog.cosignature import (
    TLOG_SIZE_CONTENT_TYPE,
    AddCheckpoint,
    format_add_checkpoint,
    parse_tlog_size,
)
from judicial_verify.tlog.note import Signer, Verifier, open_note, sign_note
from judicial_verify.tlog.tile import (
    ENTRIES_LEVEL,
    TILE_WIDTH,
    Tile,
    extend_tiles,
    format_entry_bundle,
    parse_entry_bundle,
)
from judicial_verify.tlog.tree import HASH_SIZE, MemoryHashReader, consistency_proof, leaf_hash
from judicial_verify.tlog.tree import tree_hash as root_of
from tests.ledger.fake_witnesses import policy_write
from tests.witness_servers import (
    REPO,
    WitnessServer,
    databases_create,
    databases_drop,
    finished,
    witnesses_remove,
    witnesses_start,
)

from .processes import ForkingLog, LogServer, Mirror, http_request

NAMES = ("procuratorate", "notary", "arbitration")
ORIGIN = "court.alliance.example/log"
QUORUM = "alliance = 2 of (procuratorate, notary, arbitration)"
# Seconds a node waits for its records to be published when they can be.
WAIT = 20

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def get(url: str) -> tuple[int, bytes]:
    status, _, body = http_request("GET", url)
    return status, body


@dataclass
class Alliance:
    log: LogServer
    witnesses: dict[str, WitnessServer]
    policy: Path
    log_vkey: str
    token: str
    folder: Path

    def anchor(self, documents: Sequence[bytes], wait: float = WAIT) -> tuple[int, Any]:
        """POSTs the documents' SHA-256 as the court's node, waiting `wait` seconds."""
        records = [{"kind": "evidence", "sha256": hashlib.sha256(d).hexdigest()} for d in documents]
        status, _, body = http_request(
            "POST",
            f"{self.log.base_url}/api/v1/entries?wait={wait:g}",
            json.dumps(records).encode(),
            {"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        return status, json.loads(body)

    def checkpoint(self) -> Checkpoint:
        """The log's published checkpoint, its signature checked with the log's key."""
        status, note = get(f"{self.log.base_url}/log/checkpoint")
        assert status == 200, note
        return checkpoint_text_parse(open_note(note, [Verifier(self.log_vkey)]).text)

    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = json.loads(get(f"{self.log.base_url}/status")[1])
        return body

    def verify(self, index: int, document: bytes) -> "subprocess.CompletedProcess[str]":
        """Fetches the entry's receipt and runs the offline verifier on it with the policy."""
        status, receipt = get(f"{self.log.base_url}/api/v1/entries/{index}/receipt")
        assert status == 200, receipt
        (self.folder / f"entry-{index}.tlog-proof").write_bytes(receipt)
        (self.folder / f"document-{index}").write_bytes(document)
        command = [
            sys.executable, "-m", "judicial_verify.tlog", "verify",
            "--receipt", str(self.folder / f"entry-{index}.tlog-proof"),
            "--policy", str(self.policy), "--document", str(self.folder / f"document-{index}"),
        ]  # fmt: skip
        return subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, check=False, timeout=60
        )


@pytest.fixture(scope="module")
def alliance_processes(
    django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Alliance]:
    """Starts the witnesses, then sets the log up as its operator would (database, key, a
    node for the court, the witnesses trusting its key, the policy) and starts it."""
    name = connection.settings_dict["NAME"]
    log = LogServer(
        database=f"{name}_log",
        state=tmp_path_factory.mktemp("log"),
        origin=ORIGIN,
        redis_url=settings.REDIS_URL,
    )
    witnesses: list[WitnessServer] = []
    try:
        witnesses += witnesses_start(NAMES, [tmp_path_factory.mktemp(n) for n in NAMES])
        databases_create([log.database])
        finished([log.manage("migrate", "--verbosity", "0")])
        (vkey,) = (out.strip() for out in finished([log.manage("log_key")]))
        finished([w.manage("witness_trust", vkey) for w in witnesses])
        (token,) = (
            out.strip()
            for out in finished([log.manage("create_node", "bj-court", "北京互联网法院")])
        )
        folder = tmp_path_factory.mktemp("alliance")
        log.policy = policy_write(
            folder / "log.policy",
            vkey,
            [(w.name, w.vkey, w.url) for w in witnesses],
            quorum="alliance",
            groups=[f"group alliance 2 {' '.join(NAMES)}"],
        )
        log.start(workers=2)
        log.worker_start()
        yield Alliance(log, {w.name: w for w in witnesses}, log.policy, vkey, token, folder)
    finally:
        log.stop()
        databases_drop([log.database])
        witnesses_remove(witnesses)


@pytest.fixture
def alliance(alliance_processes: Alliance) -> Alliance:
    """The alliance with every witness running."""
    for witness in alliance_processes.witnesses.values():
        if not witness.running:
            witness.start()
    return alliance_processes


def documents(what: str, count: int) -> list[bytes]:
    return [f"{what}, document {i}".encode() for i in range(count)]


def cosigners(result: "subprocess.CompletedProcess[str]") -> list[str]:
    """The witnesses the offline verifier says cosigned, once it verified with the quorum."""
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"These cosignatures meet the trust policy's witness quorum: {QUORUM}." in result.stdout
    return [name for name in NAMES if f"Witness {name} (key {name}.alliance." in result.stdout]


def test_records_anchored_through_the_api_verify_offline_cosigned_by_the_alliance(
    alliance: Alliance,
) -> None:
    docs = documents("mediation agreements", 3)
    status, body = alliance.anchor(docs)
    assert status == 200, body
    for entry, document in zip(body["entries"], docs, strict=True):
        assert entry["status"] == "integrated"
        assert cosigners(alliance.verify(entry["index"], document)) == list(NAMES)


def test_with_one_witness_stopped_the_log_still_publishes_cosigned_by_the_other_two(
    alliance: Alliance,
) -> None:
    alliance.witnesses["notary"].stop()
    (document,) = documents("one witness stopped", 1)
    status, body = alliance.anchor([document])
    assert status == 200, body
    (entry,) = body["entries"]
    assert cosigners(alliance.verify(entry["index"], document)) == ["procuratorate", "arbitration"]
    state = alliance.status()
    assert state["witnessing"] == "degraded"
    (failing,) = state["failing_witnesses"]
    assert (failing["name"], failing["error"]) == ("notary", "cannot connect (Connection refused)")


def test_with_two_witnesses_stopped_nothing_is_published_nor_lost_until_they_return(
    alliance: Alliance,
) -> None:
    published = alliance.checkpoint().size
    alliance.witnesses["notary"].stop()
    alliance.witnesses["arbitration"].stop()
    docs = documents("two witnesses stopped", 2)
    status, body = alliance.anchor(docs, wait=4)
    assert status == 503, body
    assert body["error"]["code"] == "witness_quorum_unmet"
    message = body["error"]["message"]
    assert message.startswith("not published within 4 s: the witnesses that answer cannot")
    assert "notary: cannot connect (Connection refused)" in message
    assert "arbitration: cannot connect (Connection refused)" in message
    assert alliance.checkpoint().size == published
    state = alliance.status()
    assert (state["status"], state["witnessing"]) == ("down", "failing")
    assert sorted(f["name"] for f in state["failing_witnesses"]) == ["arbitration", "notary"]

    alliance.witnesses["notary"].start()
    alliance.witnesses["arbitration"].start()
    # The same records again: the stored ones, answered once the log has published them.
    status, body = alliance.anchor(docs)
    assert status == 200, body
    assert [e["created"] for e in body["entries"]] == [False, False]
    assert alliance.checkpoint().size == published + 2
    for entry, document in zip(body["entries"], docs, strict=True):
        # The first witness back may have made the quorum with the procuratorate alone.
        assert len(cosigners(alliance.verify(entry["index"], document))) >= 2
    (document,) = documents("both witnesses back", 1)
    status, body = alliance.anchor([document])
    assert status == 200, body
    assert cosigners(alliance.verify(body["entries"][0]["index"], document)) == list(NAMES)
    assert alliance.status()["witnessing"] == "ok"


def witness_checkpoint(witness: WitnessServer) -> Checkpoint:
    """The latest checkpoint of the log the witness cosigned, as it publishes it."""
    status, note = get(f"{witness.url}/{origin_hash(ORIGIN)}/checkpoint")
    assert status == 200, note
    return checkpoint_text_parse(note[: note.index(b"\n\n") + 1].decode())


def add_checkpoint(witness: WitnessServer, request: AddCheckpoint) -> tuple[int, str, bytes]:
    return http_request("POST", f"{witness.url}/add-checkpoint", format_add_checkpoint(request))


@pytest.fixture
def mirrors(alliance: Alliance, tmp_path: Path) -> Iterator[dict[str, Mirror]]:
    """Two mirrors, each on its own database: one requiring the alliance's policy, one the
    log's key alone (quorum none)."""
    name = connection.settings_dict["NAME"]
    following = {
        kind: Mirror(database=f"{name}_mirror_{kind}", state=tmp_path / kind)
        for kind in ("alliance", "key")
    }
    try:
        databases_create([m.database for m in following.values()])
        finished([m.manage("migrate", "--verbosity", "0") for m in following.values()])
        yield following
    finally:
        for mirror in following.values():
            mirror.stop()
        databases_drop([m.database for m in following.values()])


def test_a_tree_the_log_operator_forks_is_refused_by_every_witness_and_stops_the_mirrors(
    alliance: Alliance, mirrors: dict[str, Mirror], tmp_path: Path
) -> None:
    status, body = alliance.anchor(documents("before the fork", 3))
    assert status == 200, body
    published = alliance.checkpoint()
    size = published.size
    assert 2 <= size < TILE_WIDTH  # the entries fit one bundle
    for witness in alliance.witnesses.values():
        assert witness_checkpoint(witness) == published

    log = ForkingLog(f"{alliance.log.base_url}/log/")
    try:
        key_policy = tmp_path / "key.policy"
        key_policy.write_text(f"log {alliance.log_vkey}\nquorum none\n")
        mirrors["alliance"].follow(log.url, alliance.policy)
        mirrors["key"].follow(log.url, key_policy)
        for mirror in mirrors.values():
            assert f"caught up from 0 to {size} entries" in mirror.line(timeout=60)

        # The operator, holding the log's key, signs another tree of the same size: the
        # log's entries with the last one replaced.
        bundle = Tile(ENTRIES_LEVEL, 0, size).path
        status, served = get(f"{alliance.log.base_url}/log/{bundle}")
        assert status == 200
        entries = parse_entry_bundle(served)
        entries[-1] = b'{"kind":"evidence","forged":true}'
        leaves = [leaf_hash(entry) for entry in entries]
        forked = MemoryHashReader(leaves)
        root = root_of(size, forked)
        assert root != published.root_hash
        skey = (alliance.log.state / "log-signing.key").read_text().strip()
        note = sign_note(format_checkpoint(Checkpoint(ORIGIN, size, root)), [Signer(skey)])

        for witness in alliance.witnesses.values():
            # From a size before the replaced entry, with a consistency proof that holds for
            # the forked tree: the witness has cosigned the real tree of this size since.
            proof = tuple(consistency_proof(size - 1, size, forked))
            answer = add_checkpoint(witness, AddCheckpoint(size - 1, proof, note))
            assert answer[:2] == (409, TLOG_SIZE_CONTENT_TYPE), answer
            assert parse_tlog_size(answer[1], answer[2]) == size
            # From that size, as the 409 asks: the same size with another root, a fork.
            status, _, refusal = add_checkpoint(witness, AddCheckpoint(size, (), note))
            assert status == 422, refusal
            assert witness_checkpoint(witness) == published

        tiles = extend_tiles(0, {}, leaves)
        log.fork(
            {
                "checkpoint": note,
                bundle: format_entry_bundle(entries),
                **{Tile(lv, i, len(d) // HASH_SIZE).path: d for (lv, i), d in tiles.items()},
            }
        )
        code, stderr = mirrors["alliance"].exited(timeout=60)
        assert code != 0
        assert "mirror stopped, nothing of this round stored: the policy requires valid " in stderr
        assert QUORUM in stderr
        code, stderr = mirrors["key"].exited(timeout=60)
        assert code != 0
        assert (
            "mirror stopped, nothing of this round stored: fork: the log signed a tree of the "
            "same size whose root is not the root of the tree the mirror rebuilt"
        ) in stderr
    finally:
        log.close()
    assert alliance.checkpoint() == published
