"""Shared fixtures for the witness tests: a fresh witness key, small logs, requests."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pytest
from django.conf import LazySettings
from django.test import Client

from judicial_verify.tlog.checkpoint import Checkpoint, format_checkpoint
from judicial_verify.tlog.cosignature import AddCheckpoint, format_add_checkpoint
from judicial_verify.tlog.note import Signer, generate_signer_key, sign_note
from judicial_verify.tlog.tree import MemoryHashReader, consistency_proof, leaf_hash, tree_hash
from judicial_verify.witness.keys import witness_cosigner

WITNESS_NAME = "witness.example/w1"
ADD_CHECKPOINT = "/witness/add-checkpoint"


@pytest.fixture(autouse=True)
def witness_key(settings: LazySettings) -> Iterator[None]:
    """Each test's witness makes its own key in the test's own STATE_DIR."""
    settings.WITNESS_NAME = WITNESS_NAME
    settings.WITNESS_SIGNING_KEY = None
    witness_cosigner.cache_clear()
    yield
    witness_cosigner.cache_clear()


@dataclass
class MemoryLog:
    """A log held in memory, signing its checkpoints with its own key."""

    origin: str = "court.example/log"
    leaves: list[bytes] = field(default_factory=list)
    signer: Signer = field(init=False)

    def __post_init__(self) -> None:
        self.signer = Signer(generate_signer_key(self.origin)[0])

    @property
    def vkey(self) -> str:
        return self.signer.verifier_key

    def grow(self, size: int) -> None:
        """Appends entries until the log holds `size` of them."""
        while len(self.leaves) < size:
            self.leaves.append(leaf_hash(f"{self.origin} entry {len(self.leaves)}".encode()))

    def root(self, size: int) -> bytes:
        return tree_hash(size, MemoryHashReader(self.leaves[:size]))

    def checkpoint(
        self, size: int, *, root: bytes | None = None, signers: Sequence[Signer] = ()
    ) -> bytes:
        """The signed checkpoint of the first `size` entries (or of another root)."""
        text = format_checkpoint(Checkpoint(self.origin, size, root or self.root(size)))
        return sign_note(text, signers or [self.signer])

    def proof(self, old: int, new: int) -> tuple[bytes, ...]:
        if old == 0:
            return ()
        return tuple(consistency_proof(old, new, MemoryHashReader(self.leaves[:new])))

    def request(self, old: int, new: int) -> bytes:
        """The add-checkpoint body from size `old` to size `new`, with a valid proof."""
        self.grow(new)
        return format_add_checkpoint(AddCheckpoint(old, self.proof(old, new), self.checkpoint(new)))


def post(client: Client, body: bytes) -> tuple[int, str, bytes]:
    """POSTs an add-checkpoint body; returns the status, content type and body."""
    response = client.post(ADD_CHECKPOINT, body, content_type="text/plain")
    return response.status_code, response["Content-Type"], response.content
