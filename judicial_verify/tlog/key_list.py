"""The log's key list: every key it signed checkpoints with, and the retired ones' last size.

    <verifier key>
    <verifier key> retired <last size>

One key a line, as the log publishes them at /log/keys (newest first). A
retired key's line gives the size of the last tree it signed: the log
destroyed its private key then, so a checkpoint of a larger tree bearing its
signature is not the log's, however valid the signature (the key was stolen,
or kept). C2SP tlog-policy has no syntax for this, hence a list of the log's
own. Items are separated by one space; the size is a decimal without leading
zeros. Blank lines and lines starting with "#" are ignored. A reader that
takes the first item of each line gets the plain list of keys.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .errors import MalformedKeyError, RetiredKeyError
from .note import Signature, Verifier
from .strict_decoding import parse_uint64

RETIRED = "retired"


@dataclass(frozen=True)
class ListedKey:
    """A key of the log's list: its verifier, and the size of the last tree it signed if it is
    retired (None while it signs)."""

    verifier: Verifier
    last_size: int | None = None


def format_key_line(vkey: str, last_size: int | None) -> str:
    """Returns the key's line, without its newline."""
    return vkey if last_size is None else f"{vkey} {RETIRED} {last_size}"


def format_key_list(keys: Iterable[tuple[str, int | None]]) -> str:
    """Returns the key list of (verifier key, last size or None) pairs, a line each."""
    return "".join(format_key_line(vkey, last_size) + "\n" for vkey, last_size in keys)


def parse_key_line(line: str) -> ListedKey:
    """Parses one line of a key list; raises MalformedKeyError unless it is well formed."""
    items = line.split(" ")
    if len(items) not in (1, 3) or (len(items) == 3 and items[1] != RETIRED):
        raise MalformedKeyError(
            f"a key line is `<verifier key>` or `<verifier key> {RETIRED} <last size>`"
        )
    verifier = Verifier(items[0])
    if len(items) == 1:
        return ListedKey(verifier)
    try:
        return ListedKey(verifier, parse_uint64(items[2]))
    except ValueError as e:
        raise MalformedKeyError(f"retired key's last size: {e}") from None


def parse_key_list(text: str) -> list[ListedKey]:
    """Parses a key list; raises MalformedKeyError naming the first bad line."""
    keys = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            keys.append(parse_key_line(line.strip()))
        except MalformedKeyError as e:
            raise MalformedKeyError(f"line {number}: {e}") from None
    return keys


def retirements(keys: Iterable[ListedKey]) -> dict[Verifier, int]:
    """Returns the last size of each retired key among `keys`. A key also listed as signing
    stays retired (being retired is final); one listed retired at two sizes is refused."""
    retired: dict[Verifier, int] = {}
    for key in keys:
        if key.last_size is None:
            continue
        other = retired.setdefault(key.verifier, key.last_size)
        if other != key.last_size:
            v = key.verifier
            raise MalformedKeyError(
                f"key {v.name}+{v.key_id:08x} is listed as retired at two sizes, "
                f"{other} and {key.last_size}"
            )
    return retired


def check_not_retired(
    size: int,
    sigs: Sequence[Signature],
    verifiers: Sequence[Verifier],
    retired: Mapping[Verifier, int],
) -> None:
    """Raises RetiredKeyError if any of sigs (valid signatures on a checkpoint of `size`
    leaves, by keys among verifiers) is by a key retired after signing a smaller tree."""
    by_id = {(v.name, v.key_id): v for v in verifiers}
    for sig in sigs:
        verifier = by_id.get((sig.name, sig.key_id))
        last_size = None if verifier is None else retired.get(verifier)
        if last_size is not None and size > last_size:
            raise RetiredKeyError(
                f"the checkpoint of size {size} is signed by key {sig.name}+{sig.key_id:08x}, "
                f"which the log retired after signing size {last_size}"
            )
