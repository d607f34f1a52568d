"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys.

A note is UTF-8 text ending in a newline, a blank line, then one line per
signature: "— <key name> base64(4-byte key ID || signature)". Key strings use
Go's golang.org/x/mod/sumdb/note encoding, so keys move between this package,
Go tools and other C2SP implementations unchanged:

    verifier key  <name>+<hex key ID>+base64(0x01 || 32-byte public key)
    signer key    PRIVATE+KEY+<name>+<hex key ID>+base64(0x01 || 32-byte seed)

Parsing follows note.go's rules. Modelled on that file.
"""

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from .errors import MalformedKeyError, NoteError, SignatureError, TlogError, UnknownKeyError
from .strict_decoding import decode_base64, encode_base64

ALG_ED25519 = 0x01
MAX_SIGNATURES = 100  # note.go's bound: parsing stays cheap, the spec asks for at least 16

_SIG_PREFIX = "— "  # em dash U+2014, space
_KEY_ID_HEX = re.compile(r"[0-9a-fA-F]{8}")
# Every ASCII control character except newline, which notes forbid.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


def is_valid_key_name(name: str) -> bool:
    """Reports whether name is non-empty UTF-8 without Unicode spaces, '+' or control characters."""
    # The spec forbids only spaces and '+'; a name with an ASCII control
    # character could never appear in a valid note, so it is refused too.
    return (
        name != ""
        and "+" not in name
        and not any(c.isspace() or c < " " for c in name)
        and _is_utf8(name)
    )


def _is_utf8(s: str) -> bool:
    # A Python str may hold lone surrogates, which have no UTF-8 encoding.
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class KeyType:
    """A signed-note key type: the byte that starts its keys and goes into its key IDs."""

    alg: int
    description: str  # as errors name it: "an Ed25519 (type 0x01)"


ED25519 = KeyType(ALG_ED25519, "an Ed25519 (type 0x01)")


def key_id_of(key_type: KeyType, name: str, public_key: bytes) -> int:
    """Returns the key ID SHA-256(name || 0x0A || type byte || public_key)[:4] as a uint32."""
    data = name.encode("utf-8") + b"\n" + bytes([key_type.alg]) + public_key
    return int.from_bytes(hashlib.sha256(data).digest()[:4], "big")


def ed25519_key_id(name: str, public_key: bytes) -> int:
    """Returns the key ID SHA-256(name || 0x0A || 0x01 || public_key)[:4] as a uint32."""
    return key_id_of(ED25519, name, public_key)


def format_key(key_type: KeyType, prefix: str, name: str, key_id: int, key: bytes) -> str:
    """Returns <prefix><name>+<hex key ID>+base64(type byte || key)."""
    encoded = encode_base64(bytes([key_type.alg]) + key)
    return f"{prefix}{name}+{key_id:08x}+{encoded}"


def _parse_key(
    key_type: KeyType, kind: str, name: str, key_id_hex: str, key_b64: str
) -> tuple[int, bytes]:
    # The parts both key strings share; returns the key ID and the 32 key bytes.
    if not is_valid_key_name(name):
        raise MalformedKeyError(f"{kind} key has an invalid name {name!r}")
    if not _KEY_ID_HEX.fullmatch(key_id_hex):
        raise MalformedKeyError(f"{kind} key ID {key_id_hex!r} is not 8 hex digits")
    try:
        key = decode_base64(key_b64)
    except ValueError:
        raise MalformedKeyError(f"{kind} key data is not base64") from None
    if not key or key[0] != key_type.alg:
        raise MalformedKeyError(f"{kind} key is not {key_type.description} key")
    if len(key) != 33:
        raise MalformedKeyError(f"{kind} key is {len(key) - 1} bytes, not 32")
    return int(key_id_hex, 16), key[1:]


def parse_signer_key(key_type: KeyType, kind: str, skey: str) -> tuple[str, int, Ed25519PrivateKey]:
    """Parses a PRIVATE+KEY+name+keyid+key string of key_type; returns its name, key ID and
    private key. Raises MalformedKeyError, calling the key `kind`, and never echoes it."""
    parts = skey.split("+", 4)
    if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
        # Never echo the input: it may be a slightly mangled private key.
        raise MalformedKeyError(f"{kind} key is not of the form PRIVATE+KEY+name+keyid+key")
    name = parts[2]
    key_id, seed = _parse_key(key_type, kind, name, parts[3], parts[4])
    private_key = Ed25519PrivateKey.from_private_bytes(seed)
    if key_id != key_id_of(key_type, name, private_key.public_key().public_bytes_raw()):
        raise MalformedKeyError(f"{kind} key ID does not match its name and key")
    return name, key_id, private_key


def parse_verifier_key(key_type: KeyType, kind: str, vkey: str) -> tuple[str, int, bytes]:
    """Parses a name+keyid+key string of key_type; returns its name, key ID and 32-byte public
    key. Raises MalformedKeyError, calling the key `kind`."""
    parts = vkey.split("+", 2)
    if len(parts) != 3:
        raise MalformedKeyError(f"{kind} key is not of the form name+keyid+key")
    name = parts[0]
    key_id, public = _parse_key(key_type, kind, name, parts[1], parts[2])
    if key_id != key_id_of(key_type, name, public):
        raise MalformedKeyError(f"{kind} key ID does not match its name and key")
    return name, key_id, public


def generate_key(key_type: KeyType, name: str) -> tuple[str, str]:
    """Returns a new random (signer key, verifier key) pair of key_type for the key name."""
    if not is_valid_key_name(name):
        raise MalformedKeyError(
            f"invalid key name {name!r}: it must be non-empty, without spaces or '+'"
        )
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    key_id = key_id_of(key_type, name, public)
    return (
        format_key(key_type, "PRIVATE+KEY+", name, key_id, private.private_bytes_raw()),
        format_key(key_type, "", name, key_id, public),
    )


def generate_signer_key(name: str) -> tuple[str, str]:
    """Returns a new random (signer key, verifier key) pair for the key name."""
    return generate_key(ED25519, name)


class Signer:
    """An Ed25519 private key that signs notes under a key name."""

    __slots__ = ("_private_key", "key_id", "name", "verifier_key")

    def __init__(self, skey: str) -> None:
        """Parses a PRIVATE+KEY+name+keyid+key string; raises MalformedError."""
        self.name, self.key_id, self._private_key = parse_signer_key(ED25519, "signer", skey)
        public = self._private_key.public_key().public_bytes_raw()
        self.verifier_key = format_key(ED25519, "", self.name, self.key_id, public)

    def sign(self, msg: bytes) -> bytes:
        """Returns the 64-byte Ed25519 signature of msg."""
        return self._private_key.sign(msg)

    def __repr__(self) -> str:
        return f"Signer({self.name}+{self.key_id:08x})"


class Verifier:
    """An Ed25519 public key that checks signatures made under a key name."""

    __slots__ = ("_public_bytes", "_public_key", "key_id", "name")

    def __init__(self, vkey: str) -> None:
        """Parses a name+keyid+key string; raises MalformedError."""
        self.name, self.key_id, self._public_bytes = parse_verifier_key(ED25519, "verifier", vkey)
        self._public_key = Ed25519PublicKey.from_public_bytes(self._public_bytes)

    def verify(self, msg: bytes, sig: bytes) -> bool:
        """Reports whether sig is a valid Ed25519 signature of msg by this key."""
        try:
            self._public_key.verify(sig, msg)
        except InvalidSignature:
            return False
        return True

    def _identity(self) -> tuple[str, int, bytes]:
        return (self.name, self.key_id, self._public_bytes)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Verifier) and self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())

    def __repr__(self) -> str:
        return f"Verifier({self.name}+{self.key_id:08x})"


@dataclass(frozen=True)
class Signature:
    """One signature line of a note: key name, key ID and the signature bytes."""

    name: str
    key_id: int
    signature: bytes


@dataclass(frozen=True)
class Note:
    """An opened note: its text, the signatures verified and those by unknown keys."""

    text: str
    sigs: tuple[Signature, ...]
    unverified_sigs: tuple[Signature, ...]


def sign_note(text: str, signers: Sequence[Signer]) -> bytes:
    """Returns the signed note of text (which must end in a newline) with one line per signer."""
    if not text.endswith("\n"):
        raise NoteError("note text must end in a newline")
    if not _is_utf8(text) or _CONTROL.search(text):
        raise NoteError("note text must be UTF-8 without control characters other than newline")
    if not 1 <= len(signers) <= MAX_SIGNATURES:
        raise NoteError(f"a note needs between 1 and {MAX_SIGNATURES} signatures")
    body = text.encode("utf-8")
    lines = [format_signature_line(Signature(s.name, s.key_id, s.sign(body))) for s in signers]
    return body + b"\n" + "".join(lines).encode("utf-8")


def _known_keys(verifiers: Sequence[Verifier]) -> dict[tuple[str, int], Verifier]:
    known: dict[tuple[str, int], Verifier] = {}
    for v in verifiers:
        other = known.setdefault((v.name, v.key_id), v)
        # The same key given twice is harmless; two keys sharing name and ID
        # would make it ambiguous which one a signature claims.
        if other != v:
            raise MalformedKeyError(
                f"two different verifier keys are named {v.name}+{v.key_id:08x}"
            )
    return known


def _split_note(msg: bytes) -> tuple[str, list[str]]:
    # Returns the note text and its signature lines (without their newlines).
    try:
        decoded = msg.decode("utf-8")
    except UnicodeDecodeError:
        raise NoteError("note is not valid UTF-8") from None
    if _CONTROL.search(decoded):
        raise NoteError("note contains a control character other than newline")
    # The text may hold blank lines: the last one is the separator.
    split = decoded.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no blank line before its signatures")
    block = decoded[split + 2 :]
    if not block.endswith("\n"):
        raise NoteError("note's signature block is empty or does not end in a newline")
    return decoded[: split + 1], block[:-1].split("\n")


def format_signature_line(sig: Signature) -> str:
    """Returns the note signature line of sig: "— <name> base64(key ID || signature)\\n"."""
    encoded = encode_base64(sig.key_id.to_bytes(4, "big") + sig.signature)
    return f"{_SIG_PREFIX}{sig.name} {encoded}\n"


def parse_signature_line(line: str, what: str, error: type[TlogError] = NoteError) -> Signature:
    """Parses a signature line without its newline; raises `error`, calling the line `what`."""
    if not line.startswith(_SIG_PREFIX):
        raise error(f"{what} does not start with an em dash and a space")
    name, _, encoded = line[len(_SIG_PREFIX) :].partition(" ")
    if not is_valid_key_name(name):
        raise error(f"{what} has an invalid key name {name!r}")
    try:
        raw = decode_base64(encoded)
    except ValueError:
        raise error(f"{what} is not base64") from None
    if len(raw) < 5:
        raise error(f"{what} is too short to hold a key ID and a signature")
    return Signature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def open_note(msg: bytes, verifiers: Sequence[Verifier]) -> Note:
    """Parses a signed note and verifies every signature by a known key.

    Raises NoteError if msg is malformed, SignatureError if a known key's
    signature fails, UnknownKeyError if no signature is by a known key.
    Signatures by unknown keys are returned unverified, as the spec requires
    them to be ignored; repeated signatures by one key are dropped.
    """
    known = _known_keys(verifiers)
    text, lines = _split_note(msg)
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has more than {MAX_SIGNATURES} signatures")
    body = text.encode("utf-8")
    sigs: list[Signature] = []
    unverified: list[Signature] = []
    seen: set[tuple[str, int]] = set()
    seen_unverified: set[str] = set()
    for number, line in enumerate(lines, start=1):
        sig = parse_signature_line(line, f"signature line {number}")
        key = (sig.name, sig.key_id)
        verifier = known.get(key)
        if verifier is None:
            if line not in seen_unverified:
                seen_unverified.add(line)
                unverified.append(sig)
        elif key not in seen:
            seen.add(key)
            if not verifier.verify(body, sig.signature):
                raise SignatureError(f"invalid signature by key {sig.name}+{sig.key_id:08x}")
            sigs.append(sig)
    if not sigs:
        signed_by = ", ".join(f"{s.name}+{s.key_id:08x}" for s in unverified)
        raise UnknownKeyError(f"note is not signed by any key given (it is signed by {signed_by})")
    return Note(text, tuple(sigs), tuple(unverified))
