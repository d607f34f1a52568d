"""C2SP tlog-policy: which logs and witnesses a verifier trusts, and the witness quorum.

    log <vkey> [<url>]
    witness <name> <vkey> [<url>]
    group <name> all|any|<k> <name>...
    quorum <name>

Items are separated by spaces and tabs; blank lines and lines starting with
"#" are ignored. Witnesses and groups share one namespace holding the
predefined `none`; a group or the quorum may only name what preceding lines
define, which rules out cycles. Log keys are Ed25519 note keys (note.py),
witness keys cosignature/v1 keys (cosignature.py). Names are opaque octets:
they are compared as bytes, never normalized. The file's last line may lack
its newline, as text editors and Go's own parser allow.

A checkpoint satisfies a policy when it is signed by one of its logs (the
caller's note verification) and the witnesses with a valid cosignature on it
make the quorum.
"""

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from .cosignature import Cosignature, CosignatureVerifier
from .errors import MalformedKeyError, PolicyError, QuorumError, SignatureError
from .note import Signature, Verifier
from .strict_decoding import decode_base64

NONE = "none"

# The spec allows tab, newline, printable ASCII and every octet with the high bit set.
_FORBIDDEN_OCTET = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
_WHITESPACE = re.compile(r"[ \t]+")
_DECIMAL = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class PolicyLog:
    """A trusted log: its checkpoint-signing key and, for online use, its URL."""

    verifier: Verifier
    url: str | None


@dataclass(frozen=True)
class PolicyWitness:
    """A known witness: its name in this policy, its cosigning key, its URL if given."""

    name: str
    verifier: CosignatureVerifier
    url: str | None


@dataclass(frozen=True)
class PolicyGroup:
    """A group that witnesses a checkpoint when at least `threshold` of its members do."""

    name: str
    threshold: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class Policy:
    """A parsed tlog-policy; quorum is a witness or group name, or NONE."""

    logs: tuple[PolicyLog, ...]
    witnesses: tuple[PolicyWitness, ...]
    groups: tuple[PolicyGroup, ...]
    quorum: str


@dataclass(frozen=True)
class WitnessCosignature:
    """A valid cosignature on a checkpoint by the policy's witness `witness`."""

    witness: str
    cosignature: Cosignature


def _key_material(vkey: str) -> bytes:
    # The public key a (valid) vkey wraps, without its name, key ID and type
    # byte: the spec calls two vkeys duplicates when this is the same.
    return decode_base64(vkey.split("+", 2)[2])[1:]


class _Parser:
    """The state of one parse: what the lines read so far define."""

    def __init__(self, definitions: dict[str, int]) -> None:
        self.definitions = definitions  # name -> line number of its first definition
        self.logs: list[PolicyLog] = []
        self.witnesses: list[PolicyWitness] = []
        self.groups: list[PolicyGroup] = []
        self.quorum: str | None = None
        self.defined: dict[str, int] = {NONE: 0}  # name -> line that defined it
        self.listed_in: dict[str, tuple[str, int]] = {}  # member -> (its group, that line)
        self.log_keys: dict[bytes, int] = {}
        self.witness_keys: dict[bytes, int] = {}

    def log(self, number: int, args: list[str]) -> None:
        if len(args) not in (1, 2):
            raise ValueError("a log line is `log <vkey> [<url>]`")
        try:
            verifier = Verifier(args[0])
        except MalformedKeyError as e:
            raise ValueError(f"log key: {e}") from None
        self._check_duplicate_key("log", self.log_keys, args[0], number)
        self.logs.append(PolicyLog(verifier, args[1] if len(args) == 2 else None))

    def witness(self, number: int, args: list[str]) -> None:
        if len(args) not in (2, 3):
            raise ValueError("a witness line is `witness <name> <vkey> [<url>]`")
        name = args[0]
        self._check_new_name(name)
        try:
            verifier = CosignatureVerifier(args[1])
        except MalformedKeyError as e:
            raise ValueError(f"witness {name} key: {e}") from None
        self._check_duplicate_key("witness", self.witness_keys, args[1], number)
        self.witnesses.append(PolicyWitness(name, verifier, args[2] if len(args) == 3 else None))
        self.defined[name] = number

    def group(self, number: int, args: list[str]) -> None:
        if len(args) < 3:
            raise ValueError("a group line is `group <name> all|any|<k> <name>...`")
        name, k, members = args[0], args[1], args[2:]
        self._check_new_name(name)
        if k == "all":
            threshold = len(members)
        elif k == "any":
            threshold = 1
        elif _DECIMAL.fullmatch(k):
            threshold = int(k)
            if not 1 <= threshold <= len(members):
                raise ValueError(
                    f"group {name} threshold {k} is not between 1 and its {len(members)} members"
                )
        else:
            raise ValueError(f"group {name} threshold {k!r} is not all, any or a decimal")
        for member in members:
            self._check_member(name, member)
            self.listed_in[member] = (name, number)
        self.groups.append(PolicyGroup(name, threshold, tuple(members)))
        self.defined[name] = number

    def quorum_line(self, args: list[str]) -> None:
        if len(args) != 1:
            raise ValueError("a quorum line is `quorum <name>`")
        if self.quorum is not None:
            raise ValueError("a second quorum line; a policy has exactly one")
        self._check_defined(args[0], "the quorum")
        self.quorum = args[0]

    def _check_new_name(self, name: str) -> None:
        if name == NONE:
            raise ValueError(f"{NONE} is predefined and cannot be redefined")
        if name in self.defined:
            raise ValueError(f"the name {name} is already defined on line {self.defined[name]}")

    def _check_defined(self, name: str, user: str) -> None:
        if name in self.defined:
            return
        later = self.definitions.get(name)
        if later is not None:
            raise ValueError(
                f"{user} names {name}, defined only later on line {later}; a name must be "
                f"defined on a preceding line, which also rules out cycles"
            )
        raise ValueError(f"{user} names {name}, which is not defined")

    def _check_member(self, group: str, member: str) -> None:
        if member == NONE:
            raise ValueError(f"group {group} lists {NONE}, which cannot be a group member")
        if member == group:
            raise ValueError(f"group {group} lists itself, a cycle")
        self._check_defined(member, f"group {group}")
        if member in self.listed_in:
            other, line = self.listed_in[member]
            where = "this group" if other == group else f"group {other} on line {line}"
            raise ValueError(f"{member} is already listed as a member of {where}")

    @staticmethod
    def _check_duplicate_key(kind: str, seen: dict[bytes, int], vkey: str, number: int) -> None:
        key = _key_material(vkey)
        if key in seen:
            raise ValueError(f"this {kind} key is already given on line {seen[key]}")
        seen[key] = number


def _lines(data: bytes) -> list[tuple[int, list[str]]]:
    # The numbered non-blank, non-comment lines, split into items. Octets with
    # the high bit set are carried through surrogateescape, so names compare
    # as the bytes they are.
    if data.endswith(b"\n"):
        data = data[:-1]
    result = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        bad = _FORBIDDEN_OCTET.search(raw)
        if bad:
            raise PolicyError(
                f"policy line {number} holds the control character 0x{bad.group()[0]:02x}"
            )
        line = raw.decode("utf-8", "surrogateescape").strip(" \t")
        if line and not line.startswith("#"):
            result.append((number, _WHITESPACE.split(line)))
    return result


def parse_policy(data: bytes) -> Policy:
    """Parses a tlog-policy file; raises PolicyError, naming the line and why, unless valid."""
    lines = _lines(data)
    definitions: dict[str, int] = {}
    for number, items in lines:
        if items[0] in ("witness", "group") and len(items) > 1:
            definitions.setdefault(items[1], number)
    parser = _Parser(definitions)
    for number, items in lines:
        keyword, args = items[0], items[1:]
        try:
            if keyword == "log":
                parser.log(number, args)
            elif keyword == "witness":
                parser.witness(number, args)
            elif keyword == "group":
                parser.group(number, args)
            elif keyword == "quorum":
                parser.quorum_line(args)
            else:
                raise ValueError(
                    f"unknown keyword {keyword!r}; lines start with log, witness, group or quorum"
                )
        except ValueError as e:
            raise PolicyError(f"policy line {number}: {e}") from None
    if parser.quorum is None:
        raise PolicyError("policy has no quorum line (`quorum none` requires no witness)")
    return Policy(tuple(parser.logs), tuple(parser.witnesses), tuple(parser.groups), parser.quorum)


def valid_cosignatures(
    policy: Policy, text: str, sigs: Sequence[Signature]
) -> tuple[WitnessCosignature, ...]:
    """Returns, in policy order, each witness's first valid cosignature among sigs on text.

    text is the checkpoint note's text, sigs its signature lines. A line by a
    key the policy does not list, or one that does not verify, counts for
    nothing: a forged cosignature must not stop a quorum the real ones make.
    """
    found = []
    for witness in policy.witnesses:
        key = (witness.verifier.name, witness.verifier.key_id)
        for sig in sigs:
            if (sig.name, sig.key_id) != key:
                continue
            try:
                found.append(WitnessCosignature(witness.name, witness.verifier.verify(text, sig)))
            except SignatureError:
                continue
            break
    return tuple(found)


def quorum_met(policy: Policy, witnessed: Collection[str]) -> bool:
    """Reports whether the witnesses named in `witnessed` make the policy's quorum."""
    groups = {g.name: g for g in policy.groups}

    def witnesses(name: str) -> bool:
        # A group lists only names defined before it, so this recursion ends.
        group = groups.get(name)
        if group is None:
            return name in witnessed
        return sum(witnesses(m) for m in group.members) >= group.threshold

    return policy.quorum == NONE or witnesses(policy.quorum)


def quorum_rule(policy: Policy) -> str:
    """Returns the quorum in words: `G = 2 of (W1, W2, W3)`, nested for groups of groups."""
    groups = {g.name: g for g in policy.groups}

    def rule(name: str) -> str:
        group = groups.get(name)
        if group is None:
            return name
        return f"{name} = {group.threshold} of ({', '.join(rule(m) for m in group.members)})"

    return "no witness (quorum none)" if policy.quorum == NONE else rule(policy.quorum)


def check_quorum(
    policy: Policy, text: str, sigs: Sequence[Signature]
) -> tuple[WitnessCosignature, ...]:
    """Returns the valid cosignatures on the checkpoint; raises QuorumError unless they suffice.

    The log's own signature is the caller's to check (open_note with the
    policy's log keys); this checks the witnesses only.
    """
    found = valid_cosignatures(policy, text, sigs)
    if not quorum_met(policy, {c.witness for c in found}):
        by = (
            f"{len(found)} found, by {', '.join(c.witness for c in found)}"
            if found
            else "none found"
        )
        raise QuorumError(f"the policy requires valid cosignatures by {quorum_rule(policy)}; {by}")
    return found
