"""A thief of the log's signing key: a copy of the key file kept before rotate_log_key
destroyed it, and what can be signed with it afterwards."""

import hashlib

from django.conf import settings

from judicial_verify.ledger.keys import key_file_path, key_file_read
from judicial_verify.ledger.models import Entry
from judicial_verify.tlog.checkpoint import Checkpoint, format_checkpoint
from judicial_verify.tlog.entry import Entry as LogEntry
from judicial_verify.tlog.entry import encode_entry, metadata_commitment
from judicial_verify.tlog.note import Signer, sign_note
from judicial_verify.tlog.receipt import Receipt
from judicial_verify.tlog.tree import inclusion_proof_from_leaves, leaf_hash, root_from_leaves


def key_copy() -> Signer:
    """The log's current private key, as a thief copies it from its file."""
    return Signer(key_file_read(key_file_path()))


def resigned(note: bytes, signer: Signer) -> bytes:
    """The signed note's text signed again, by `signer` alone."""
    text = note[: note.rindex(b"\n\n") + 1].decode("utf-8")
    return sign_note(text, [signer])


def forged_receipt(signer: Signer, document: bytes, *, node: str) -> Receipt:
    """A receipt of `document` as if `node` had anchored it: an entry the log never held,
    appended to every entry the log publishes, under a checkpoint `signer` signs. Everything
    in it checks out, but for who signed it."""
    forged = encode_entry(
        LogEntry(
            kind="evidence",
            sha256=hashlib.sha256(document).hexdigest(),
            node=node,
            time="2026-12-01T08:00:00.000Z",
            meta=metadata_commitment(bytes(32), {}),
        )
    )
    stored = Entry.objects.order_by("index").values_list("data", flat=True)
    leaves = [leaf_hash(bytes(data)) for data in stored] + [leaf_hash(forged)]
    index = len(leaves) - 1
    text = format_checkpoint(Checkpoint(settings.LOG_ORIGIN, len(leaves), root_from_leaves(leaves)))
    return Receipt(
        index=index,
        proof=tuple(inclusion_proof_from_leaves(index, leaves)),
        checkpoint_note=sign_note(text, [signer]),
        extra=forged,
    )
