"""C2SP tlog-cosignature v1 (Ed25519) and the bodies of C2SP tlog-witness v1.

A cosignature is a note signature line whose key ID is derived with type
byte 0x04 and whose signature is a timestamped_signature:

    key ID     SHA-256(name || 0x0A || 0x04 || 32-byte public key)[:4]
    signature  8-byte big-endian timestamp || Ed25519 signature of
               "cosignature/v1\\ntime <timestamp>\\n" || checkpoint note text

Key strings follow note.py's encoding with the type byte 0x04, as the
signed-note spec allows for verifier keys; the signer string is this
project's counterpart of it:

    verifier key  <name>+<hex key ID>+base64(0x04 || 32-byte public key)
    signer key    PRIVATE+KEY+<name>+<hex key ID>+base64(0x04 || 32-byte seed)

The witness protocol's add-checkpoint request and its `text/x.tlog.size`
answer are parsed and formatted here too, strictly, so the witness and the
log that asks it share one reading of them.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PublicKey,
)

from .errors import MalformedError, SignatureError
from .note import (
    KeyType,
    Signature,
    format_key,
    generate_key,
    key_id_of,
    parse_signature_line,
    parse_signer_key,
    parse_verifier_key,
)

# A witness answers with signature lines: this module writes them as well as it reads them.
from .note import format_signature_line as format_signature_line
from .strict_decoding import decode_base64, encode_base64, parse_uint64
from .tree import HASH_SIZE

ALG_COSIGNATURE_V1 = 0x04
COSIGNATURE_V1 = KeyType(ALG_COSIGNATURE_V1, "a cosignature/v1 (type 0x04)")
# The spec caps timestamps at 2**63-1; zero would make no statement about time.
MAX_TIMESTAMP = 2**63 - 1
TIMESTAMPED_SIGNATURE_SIZE = 8 + 64
# tlog-witness: a client MUST NOT send more than 63 consistency proof lines.
MAX_PROOF_LINES = 63
TLOG_SIZE_CONTENT_TYPE = "text/x.tlog.size"

_SIG_PREFIX = "— "  # em dash U+2014, space


def cosignature_key_id(name: str, public_key: bytes) -> int:
    """Returns the key ID SHA-256(name || 0x0A || 0x04 || public_key)[:4] as a uint32."""
    return key_id_of(COSIGNATURE_V1, name, public_key)


def cosigned_message(text: str, timestamp: int) -> bytes:
    """Returns the bytes a cosignature/v1 signs: two header lines, then the note text."""
    _check_timestamp(timestamp)
    return f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode("utf-8")


def _check_timestamp(timestamp: int) -> None:
    if not 0 < timestamp <= MAX_TIMESTAMP:
        raise MalformedError(f"cosignature timestamp {timestamp} is not between 1 and 2**63-1")


def generate_cosigner_key(name: str) -> tuple[str, str]:
    """Returns a new random (signer key, verifier key) pair for the cosigner name."""
    return generate_key(COSIGNATURE_V1, name)


@dataclass(frozen=True)
class Cosignature:
    """A verified cosignature: who made it, when, over which note text."""

    name: str
    key_id: int
    timestamp: int


class Cosigner:
    """An Ed25519 private key that cosigns checkpoints under a cosigner name."""

    __slots__ = ("_private_key", "key_id", "name", "verifier_key")

    def __init__(self, skey: str) -> None:
        """Parses a PRIVATE+KEY+name+keyid+base64(0x04||seed) string; raises MalformedKeyError."""
        self.name, self.key_id, self._private_key = parse_signer_key(
            COSIGNATURE_V1, "cosigner", skey
        )
        public = self._private_key.public_key().public_bytes_raw()
        self.verifier_key = format_key(COSIGNATURE_V1, "", self.name, self.key_id, public)

    def cosign(self, text: str, timestamp: int) -> Signature:
        """Returns the cosignature of the checkpoint note text as of `timestamp` (POSIX seconds)."""
        sig = self._private_key.sign(cosigned_message(text, timestamp))
        return Signature(self.name, self.key_id, timestamp.to_bytes(8, "big") + sig)

    def __repr__(self) -> str:
        return f"Cosigner({self.name}+{self.key_id:08x})"


class CosignatureVerifier:
    """An Ed25519 public key that checks cosignature/v1 signatures made under a cosigner name."""

    __slots__ = ("_public_key", "key_id", "name", "vkey")

    def __init__(self, vkey: str) -> None:
        """Parses a name+keyid+base64(0x04||key) string; raises MalformedKeyError."""
        self.name, self.key_id, public = parse_verifier_key(
            COSIGNATURE_V1, "cosigner verifier", vkey
        )
        self.vkey = vkey
        self._public_key = Ed25519PublicKey.from_public_bytes(public)

    def verify(self, text: str, sig: Signature) -> Cosignature:
        """Checks sig, a signature line by this key, over the note text; returns its content.

        Raises SignatureError if the line is not by this key, is not a
        timestamped signature, or does not verify.
        """
        if (sig.name, sig.key_id) != (self.name, self.key_id):
            raise SignatureError(f"signature is not by cosigner {self.name}+{self.key_id:08x}")
        if len(sig.signature) != TIMESTAMPED_SIGNATURE_SIZE:
            raise SignatureError(
                f"cosignature by {self.name} is {len(sig.signature)} bytes, not 72"
            )
        timestamp = int.from_bytes(sig.signature[:8], "big")
        try:
            self._public_key.verify(sig.signature[8:], cosigned_message(text, timestamp))
        except (InvalidSignature, MalformedError):
            raise SignatureError(f"invalid cosignature by {self.name}+{self.key_id:08x}") from None
        return Cosignature(self.name, self.key_id, timestamp)

    def __repr__(self) -> str:
        return f"CosignatureVerifier({self.name}+{self.key_id:08x})"


def verify_cosignatures(
    text: str, sigs: Sequence[Signature], verifiers: Sequence[CosignatureVerifier]
) -> list[Cosignature]:
    """Returns the valid cosignatures among sigs by the given cosigners, one per cosigner.

    sigs are the lines of the note whose text is `text` (for an opened note:
    the lines its log keys did not know). Lines by other keys are ignored, as
    the witness spec requires; a line by a known cosigner that fails raises
    SignatureError.
    """
    known = {(v.name, v.key_id): v for v in verifiers}
    found: dict[tuple[str, int], Cosignature] = {}
    for sig in sigs:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is not None and (sig.name, sig.key_id) not in found:
            found[(sig.name, sig.key_id)] = verifier.verify(text, sig)
    return list(found.values())


def parse_signature_lines(body: bytes) -> list[Signature]:
    """Parses an add-checkpoint answer: note signature lines, each ending in a newline."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedError("signature lines are not UTF-8") from None
    if not text.endswith("\n"):
        raise MalformedError("signature lines are empty or do not end in a newline")
    return [
        parse_signature_line(line, f"line {number}", MalformedError)
        for number, line in enumerate(text[:-1].split("\n"), start=1)
    ]


@dataclass(frozen=True)
class AddCheckpoint:
    """A tlog-witness add-checkpoint request: the old size, a consistency proof, a signed note."""

    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: bytes


def format_add_checkpoint(request: AddCheckpoint) -> bytes:
    """Returns the request body: "old N", one base64 line a proof hash, a blank line, the note."""
    lines = [f"old {request.old_size}", *(encode_base64(h) for h in request.proof)]
    return ("\n".join(lines) + "\n\n").encode("ascii") + request.checkpoint


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """Parses an add-checkpoint request body; raises MalformedError unless it is well formed.

    The signed checkpoint is returned as bytes, unopened: which keys to open
    it with depends on its origin, which only the witness knows.
    """
    header, blank, checkpoint = body.partition(b"\n\n")
    if not blank:
        raise MalformedError("request has no blank line before the checkpoint")
    try:
        lines = header.decode("ascii").split("\n")
    except UnicodeDecodeError:
        raise MalformedError("old size and proof lines are not ASCII") from None
    old_line, *proof_lines = lines
    if not old_line.startswith("old "):
        raise MalformedError("request does not start with an `old <size>` line")
    try:
        old_size = parse_uint64(old_line[len("old ") :])
    except ValueError as e:
        raise MalformedError(f"old size: {e}") from None
    if len(proof_lines) > MAX_PROOF_LINES:
        raise MalformedError(f"consistency proof has more than {MAX_PROOF_LINES} lines")
    proof = []
    for number, line in enumerate(proof_lines, start=1):
        try:
            h = decode_base64(line)
        except ValueError as e:
            raise MalformedError(f"consistency proof line {number}: {e}") from None
        if len(h) != HASH_SIZE:
            raise MalformedError(f"consistency proof line {number} is {len(h)} bytes, not 32")
        proof.append(h)
    return AddCheckpoint(old_size, tuple(proof), checkpoint)


def format_tlog_size(size: int) -> str:
    """Returns a `text/x.tlog.size` body: the size in decimal and a newline."""
    return f"{size}\n"


def parse_tlog_size(content_type: str, body: bytes) -> int:
    """Returns the size in a 409 answer; raises MalformedError unless it is exactly well formed.

    The content type must be `text/x.tlog.size` (any case) with no parameters, the
    body one decimal without leading zeros, ending in a newline.
    """
    if content_type.lower() != TLOG_SIZE_CONTENT_TYPE:
        raise MalformedError(f"content type {content_type!r} is not {TLOG_SIZE_CONTENT_TYPE}")
    if not body.endswith(b"\n"):
        raise MalformedError("tree size body does not end in a newline")
    try:
        return parse_uint64(body[:-1].decode("ascii"))
    except (UnicodeDecodeError, ValueError) as e:
        raise MalformedError(f"tree size body: {e}") from None
