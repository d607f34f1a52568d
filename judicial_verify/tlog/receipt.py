"""C2SP tlog-proof@v1 receipts: an entry, its inclusion proof and a signed checkpoint.

    c2sp.org/tlog-proof@v1
    extra <base64 entry bytes>
    index <decimal>
    <base64 proof hash>       (zero or more, leaf's sibling first)

    <signed checkpoint note, verbatim>

judicial-verify puts the entry bytes in `extra`, so a document, its receipt
and the log's public key are all an offline check needs. `extra` is not
authenticated by the receipt itself: verify_receipt trusts it only once its
leaf hash is proved to be under the signed root.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .checkpoint import Checkpoint, parse_checkpoint
from .entry import Entry, decode_entry
from .errors import (
    DocumentMismatchError,
    InclusionProofError,
    MalformedError,
    OriginMismatchError,
    UnknownKeyError,
)
from .key_list import check_not_retired
from .note import Note, Verifier, open_note
from .policy import Policy, WitnessCosignature, check_quorum
from .strict_decoding import MAX_UINT64, decode_base64, encode_base64, parse_uint64
from .tree import HASH_SIZE, leaf_hash, verify_inclusion

HEADER = b"c2sp.org/tlog-proof@v1"
# A tree of at most 2**64-1 leaves is at most 64 levels high.
MAX_PROOF_HASHES = 64


@dataclass(frozen=True)
class Receipt:
    """A tlog-proof: entry index, inclusion proof, signed checkpoint note, optional extra data."""

    index: int
    proof: tuple[bytes, ...]
    checkpoint_note: bytes
    extra: bytes | None

    def __post_init__(self) -> None:
        if not 0 <= self.index <= MAX_UINT64:
            raise MalformedError(f"receipt index {self.index} is not between 0 and 2**64-1")
        if len(self.proof) > MAX_PROOF_HASHES:
            raise MalformedError(f"receipt proof has more than {MAX_PROOF_HASHES} hashes")
        for i, h in enumerate(self.proof):
            if len(h) != HASH_SIZE:
                raise MalformedError(f"receipt proof hash {i} is {len(h)} bytes, not {HASH_SIZE}")
        # The format has no way to say "empty extra": the line is left out.
        if self.extra == b"":
            raise MalformedError("receipt extra data is empty; use None for none")
        if not self.checkpoint_note:
            raise MalformedError("receipt has no checkpoint")


def format_receipt(r: Receipt) -> bytes:
    """Returns the receipt in tlog-proof@v1 format."""
    lines = [HEADER.decode("ascii")]
    if r.extra is not None:
        lines.append(f"extra {encode_base64(r.extra)}")
    lines.append(f"index {r.index}")
    lines += [encode_base64(h) for h in r.proof]
    return ("\n".join(lines) + "\n\n").encode("ascii") + r.checkpoint_note


def format_receipts(receipts: Iterable[Receipt]) -> list[bytes]:
    """Returns each receipt in tlog-proof@v1 format, as format_receipt does."""
    return [format_receipt(r) for r in receipts]


def _decode_field(what: str, text: str) -> bytes:
    try:
        return decode_base64(text)
    except ValueError as e:
        raise MalformedError(f"receipt {what}: {e}") from None


def parse_receipt(data: bytes) -> Receipt:
    """Parses a tlog-proof@v1 receipt; raises MalformedError, saying why, unless well formed."""
    first_line = data.partition(b"\n")[0]
    if first_line == HEADER + b"\r":
        raise MalformedError(
            "receipt has Windows line endings (was it opened and re-saved?); use the file as issued"
        )
    if first_line != HEADER:
        raise MalformedError(f"receipt does not start with the line {HEADER.decode()}")
    # Proof lines are never empty, so the first blank line ends them.
    head, blank, note = data.partition(b"\n\n")
    if not blank or not note:
        raise MalformedError("receipt has no checkpoint after a blank line")
    try:
        lines = head.decode("ascii").split("\n")[1:]
    except UnicodeDecodeError:
        raise MalformedError("receipt proof lines are not ASCII") from None
    extra = None
    if lines and lines[0].startswith("extra "):
        extra = _decode_field("extra line", lines.pop(0).removeprefix("extra "))
        if not extra:
            raise MalformedError("receipt extra line is empty")
    if not lines or not lines[0].startswith("index "):
        raise MalformedError("receipt has no index line after its first line")
    try:
        index = parse_uint64(lines.pop(0).removeprefix("index "))
    except ValueError as e:
        raise MalformedError(f"receipt index: {e}") from None
    if len(lines) > MAX_PROOF_HASHES:
        raise MalformedError(f"receipt proof has more than {MAX_PROOF_HASHES} hashes")
    proof = tuple(_decode_field(f"proof hash {i}", line) for i, line in enumerate(lines))
    return Receipt(index=index, proof=proof, checkpoint_note=note, extra=extra)


@dataclass(frozen=True)
class VerifiedReceipt:
    """What a verified receipt proves: this entry is at this index under this signed checkpoint."""

    entry: Entry
    index: int
    checkpoint: Checkpoint
    verifier: Verifier
    cosignatures: tuple[WitnessCosignature, ...] = ()


def _log_verifier(note: Note, origin: str, verifiers: Sequence[Verifier]) -> Verifier:
    # A witness's cosignature alone does not make a checkpoint the log's own:
    # the log signs under its origin, so that key must be among those given.
    for sig in note.sigs:
        if sig.name == origin:
            return next(v for v in verifiers if (v.name, v.key_id) == (sig.name, sig.key_id))
    signers = ", ".join(f"{s.name}+{s.key_id:08x}" for s in (*note.sigs, *note.unverified_sigs))
    raise UnknownKeyError(
        f"the checkpoint of log {origin} is not signed by any key given for that log "
        f"(it is signed by {signers})"
    )


def verify_receipt(
    receipt: Receipt,
    verifiers: Sequence[Verifier],
    *,
    document_sha256: bytes | None = None,
    origin: str | None = None,
    policy: Policy | None = None,
    retired: Mapping[Verifier, int] | None = None,
) -> VerifiedReceipt:
    """Checks a receipt against the log keys given, and a document's SHA-256 if given.

    Verifies the checkpoint's signature by a key named after its origin, that
    the origin is `origin` if given (a key for another log does not make its
    checkpoints acceptable), that the entry in `extra` is a valid entry, that
    the inclusion proof leads from its leaf hash to the checkpoint's root, and
    that document_sha256 is the entry's sha256. With a tlog-policy, its log
    keys are trusted beside `verifiers` and the checkpoint must also carry
    the cosignatures its quorum requires. `retired` gives the last size of
    each retired key (key_list.py): a checkpoint of a larger tree signed by
    one is refused before its witnesses, entry or proof are looked at, as
    none of them can make it the log's. Raises NoteError
    (UnknownKeyError, SignatureError), OriginMismatchError, RetiredKeyError,
    QuorumError, MalformedError, EntryError, InclusionProofError or
    DocumentMismatchError.
    """
    if policy is not None:
        verifiers = [*verifiers, *(log.verifier for log in policy.logs)]
    note = open_note(receipt.checkpoint_note, verifiers)
    checkpoint = parse_checkpoint(note.text)
    if origin is not None and checkpoint.origin != origin:
        raise OriginMismatchError(
            f"the checkpoint is of log {checkpoint.origin}, not of the log {origin} asked for"
        )
    check_not_retired(checkpoint.size, note.sigs, verifiers, retired or {})
    verifier = _log_verifier(note, checkpoint.origin, verifiers)
    cosignatures = () if policy is None else check_quorum(policy, note.text, note.unverified_sigs)
    if receipt.extra is None:
        raise MalformedError("receipt has no extra line, so it carries no entry")
    entry = decode_entry(receipt.extra)
    if receipt.index >= checkpoint.size:
        raise InclusionProofError(
            f"receipt index {receipt.index} is beyond the checkpoint's {checkpoint.size} entries"
        )
    verify_inclusion(
        leaf_hash=leaf_hash(receipt.extra),
        index=receipt.index,
        size=checkpoint.size,
        proof=receipt.proof,
        root=checkpoint.root_hash,
    )
    if document_sha256 is not None and document_sha256.hex() != entry.sha256:
        raise DocumentMismatchError(
            f"the document's SHA-256 is {document_sha256.hex()}, "
            f"but the anchored record's is {entry.sha256}"
        )
    return VerifiedReceipt(
        entry=entry,
        index=receipt.index,
        checkpoint=checkpoint,
        verifier=verifier,
        cosignatures=cosignatures,
    )
