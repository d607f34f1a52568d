"""C2SP tlog-checkpoint: the note text that states a log's size and root hash.

    <origin>
    <tree size, decimal>
    <root hash, base64>
    [extension lines]

The text is signed as a signed note (see note.py); this module only formats
and parses it, strictly, so one checkpoint has exactly one spelling.
"""

import hashlib
import re
from dataclasses import dataclass

from .errors import MalformedError
from .strict_decoding import MAX_UINT64, decode_base64, encode_base64, parse_uint64
from .tree import HASH_SIZE

# A checkpoint is a note's text, so no line may hold a control character
# (newline included: it would split the line).
_CONTROL = re.compile(r"[\x00-\x1f]")


def _check_line(what: str, line: str) -> None:
    if not line:
        raise MalformedError(f"checkpoint {what} is empty")
    if _CONTROL.search(line):
        raise MalformedError(f"checkpoint {what} contains a control character")


@dataclass(frozen=True)
class Checkpoint:
    """A log's signed statement: its origin, tree size and root hash."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_line("origin", self.origin)
        if not 0 <= self.size <= MAX_UINT64:
            raise MalformedError(f"checkpoint size {self.size} is not between 0 and 2**64-1")
        if len(self.root_hash) != HASH_SIZE:
            raise MalformedError(f"checkpoint root hash is {len(self.root_hash)} bytes, not 32")
        for extension in self.extensions:
            _check_line("extension line", extension)


def format_checkpoint(cp: Checkpoint) -> str:
    """Returns the checkpoint's note text, ending in a newline."""
    lines = [cp.origin, str(cp.size), encode_base64(cp.root_hash)]
    return "\n".join([*lines, *cp.extensions]) + "\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """Parses checkpoint note text; raises MalformedError unless it is exactly well formed."""
    if not text.endswith("\n"):
        raise MalformedError("checkpoint does not end in a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise MalformedError("checkpoint has fewer than three lines (origin, size, root hash)")
    origin, size_line, root_line, *extensions = lines
    try:
        size = parse_uint64(size_line)
    except ValueError as e:
        raise MalformedError(f"checkpoint size: {e}") from None
    try:
        root_hash = decode_base64(root_line)
    except ValueError as e:
        raise MalformedError(f"checkpoint root hash: {e}") from None
    return Checkpoint(origin, size, root_hash, tuple(extensions))


def origin_hash(origin: str) -> str:
    """Returns the lower-case hex SHA-256 of a log's origin: how tlog-witness and mirror URLs
    name a log (its origin may hold characters a URL cannot)."""
    return hashlib.sha256(origin.encode("utf-8")).hexdigest()
