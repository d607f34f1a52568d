"""Shared fixtures for the tlog tests: public test vectors, fresh keys, small logs."""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from judicial_verify.tlog.checkpoint import Checkpoint, format_checkpoint
from judicial_verify.tlog.cosignature import (
    CosignatureVerifier,
    Cosigner,
    format_signature_line,
    generate_cosigner_key,
)
from judicial_verify.tlog.entry import Entry, encode_entry, metadata_commitment
from judicial_verify.tlog.note import Signer, Verifier, generate_signer_key, sign_note
from judicial_verify.tlog.receipt import Receipt
from judicial_verify.tlog.tree import inclusion_proof_from_leaves, leaf_hash, root_from_leaves

# The shared folder sits beside the repository checkout, here and in CI.
VECTORS = Path(__file__).resolve().parents[3] / "shared" / "vectors"

LOG_ORIGIN = "court.example/log"


def load_vectors(name: str) -> Any:
    """Returns the parsed JSON test vector file `name` from the shared folder."""
    with open(VECTORS / name, encoding="utf-8") as f:
        return json.load(f)


def new_key(name: str = LOG_ORIGIN) -> tuple[Signer, Verifier]:
    """A fresh signing key named `name` (by default the log's origin) and its verifier."""
    skey, vkey = generate_signer_key(name)
    return Signer(skey), Verifier(vkey)


def make_entry(document: bytes, *, kind: str = "served_document", ref: int | None = None) -> Entry:
    """A valid entry anchoring `document`, as a court node would submit it."""
    return Entry(
        kind=kind,
        sha256=hashlib.sha256(document).hexdigest(),
        node="bj-hd-court",
        time="2026-11-27T09:08:36.123Z",
        meta=metadata_commitment(bytes(32), {"case": "(2026)Jing0108Min1"}),
        ref=ref,
    )


def make_log(count: int) -> list[bytes]:
    """The entry bytes of a log of `count` entries, one per document b"document <i>"."""
    return [encode_entry(make_entry(f"document {i}".encode())) for i in range(count)]


def make_receipt(signers: Sequence[Signer], entries: Sequence[bytes], index: int) -> Receipt:
    """The receipt of entry `index` under a checkpoint of all `entries`, signed by `signers`.

    The checkpoint's origin is the first signer's name, as the log signs first.
    """
    leaves = [leaf_hash(e) for e in entries]
    checkpoint = Checkpoint(signers[0].name, len(entries), root_from_leaves(leaves))
    return Receipt(
        index=index,
        proof=tuple(inclusion_proof_from_leaves(index, leaves)),
        checkpoint_note=sign_note(format_checkpoint(checkpoint), signers),
        extra=entries[index],
    )


def new_cosigner(name: str) -> tuple[Cosigner, CosignatureVerifier]:
    """A fresh cosignature/v1 witness key named `name` and its verifier."""
    skey, vkey = generate_cosigner_key(name)
    return Cosigner(skey), CosignatureVerifier(vkey)


def cosign_receipt(receipt: Receipt, cosigners: Sequence[Cosigner], timestamp: int) -> Receipt:
    """The receipt with a cosignature by each of `cosigners`, made at `timestamp`, added."""
    note = receipt.checkpoint_note
    text = note[: note.rindex(b"\n\n") + 1].decode("utf-8")
    lines = "".join(format_signature_line(c.cosign(text, timestamp)) for c in cosigners)
    return replace(receipt, checkpoint_note=note + lines.encode("utf-8"))
