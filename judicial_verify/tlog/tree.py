"""RFC 9162 Merkle tree maths: hashing, proofs and their verification.

Proof generation never sees the whole tree. It names the complete subtrees it
needs as `Node(level, index)` (the subtree of 2**level leaves starting at leaf
index * 2**level) and asks the caller's `HashReader` for their hashes, so the
same code serves an in-memory list, database tiles or tiles fetched over HTTP.
Modelled on Go's golang.org/x/mod/sumdb/tlog.
"""

import hashlib
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .errors import ConsistencyProofError, InclusionProofError, TlogError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


@dataclass(frozen=True, slots=True)
class Node:
    """The complete subtree of 2**level leaves starting at leaf index * 2**level."""

    level: int
    index: int


HashReader = Callable[[Sequence[Node]], Sequence[bytes]]
"""Returns the hash of each requested complete subtree, in order."""


def leaf_hash(data: bytes) -> bytes:
    """Returns the RFC 9162 leaf hash SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Returns the RFC 9162 interior node hash SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """Returns the largest power of two strictly less than n (n >= 2): RFC 9162's k."""
    return 1 << ((n - 1).bit_length() - 1)


def subtree_nodes(lo: int, hi: int) -> list[Node]:
    """Returns the complete subtrees, left to right, whose hashes fold into MTH(D[lo:hi]).

    lo must be a multiple of the largest power of two not exceeding hi - lo, as
    it is for every range that RFC 9162's recursive definition visits.
    """
    nodes = []
    while lo < hi:
        level = (hi - lo).bit_length() - 1
        if lo & ((1 << level) - 1):
            raise TlogError(f"range [{lo}, {hi}) is not on the tree's split points")
        nodes.append(Node(level, lo >> level))
        lo += 1 << level
    return nodes


def fold_subtrees(hashes: Sequence[bytes]) -> bytes:
    """Folds the hashes of subtree_nodes(lo, hi), right to left, into MTH(D[lo:hi])."""
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def tree_hash(size: int, read: HashReader) -> bytes:
    """Returns MTH of the first `size` leaves, reading at most log2(size) hashes."""
    if size < 0:
        raise TlogError(f"negative tree size {size}")
    if size == 0:
        return EMPTY_ROOT
    return fold_subtrees(read(subtree_nodes(0, size)))


def _inclusion_ranges(
    lo: int, hi: int, leaves: Sequence[int], paths: dict[int, list[tuple[int, int]]]
) -> None:
    # RFC 9162 2.1.3.1 PATH(m, D[lo:hi]) for each leaf m of `leaves` (sorted, in [lo, hi))
    # at once: paths[m] gets the range of each of m's siblings, bottom-up. Leaves whose
    # paths meet share the recursion above the node where they meet.
    if hi - lo == 1:
        paths[lo] = []
        return
    k = _split(hi - lo)
    cut = bisect_left(leaves, lo + k)
    for part, (sub_lo, sub_hi), sibling in (
        (leaves[:cut], (lo, lo + k), (lo + k, hi)),
        (leaves[cut:], (lo + k, hi), (lo, lo + k)),
    ):
        if part:
            _inclusion_ranges(sub_lo, sub_hi, part, paths)
            for m in part:
                paths[m].append(sibling)


def _consistency_ranges(lo: int, hi: int, m: int, out: list[tuple[int, int]]) -> None:
    # RFC 9162 2.1.4.1 SUBPROOF(m, D[lo:hi], b), with b true exactly when lo == 0.
    if m == hi:
        if lo != 0:
            out.append((lo, hi))
        return
    k = _split(hi - lo)
    if m <= lo + k:
        _consistency_ranges(lo, lo + k, m, out)
        out.append((lo + k, hi))
    else:
        _consistency_ranges(lo + k, hi, m, out)
        out.append((lo, lo + k))


def _hash_ranges(ranges: Sequence[tuple[int, int]], read: HashReader) -> list[bytes]:
    # One read of each node the ranges need, so a tile-backed reader fetches each tile once.
    plans = [subtree_nodes(lo, hi) for lo, hi in ranges]
    nodes = list(dict.fromkeys(node for plan in plans for node in plan))
    hashes = read(nodes)
    if len(hashes) != len(nodes):
        raise TlogError("hash reader returned the wrong number of hashes")
    found = dict(zip(nodes, hashes, strict=True))
    return [fold_subtrees([found[node] for node in plan]) for plan in plans]


def inclusion_proof(index: int, size: int, read: HashReader) -> list[bytes]:
    """Returns the RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves."""
    return inclusion_proofs([index], size, read)[0]


def inclusion_proofs(indices: Sequence[int], size: int, read: HashReader) -> list[list[bytes]]:
    """Returns the inclusion proof of each leaf in `indices`, in order, as inclusion_proof
    would, reading and hashing each subtree they share once.

    The leaves of a batch are neighbours, so their proofs share most of their hashes.
    """
    for index in indices:
        if not 0 <= index < size:
            raise InclusionProofError(f"index {index} is not in a tree of size {size}")
    paths: dict[int, list[tuple[int, int]]] = {}
    _inclusion_ranges(0, size, sorted(set(indices)), paths)
    ranges = list(dict.fromkeys(r for path in paths.values() for r in path))
    found = dict(zip(ranges, _hash_ranges(ranges, read), strict=True))
    return [[found[r] for r in paths[index]] for index in indices]


def consistency_proof(size1: int, size2: int, read: HashReader) -> list[bytes]:
    """Returns the RFC 9162 consistency proof from the tree of size1 leaves to size2.

    The proof is empty when size1 == 0 or size1 == size2 (see verify_consistency).
    """
    if not 0 <= size1 <= size2:
        raise ConsistencyProofError(f"sizes {size1} and {size2} are not 0 <= size1 <= size2")
    if size1 == 0:
        return []
    ranges: list[tuple[int, int]] = []
    _consistency_ranges(0, size2, size1, ranges)
    return _hash_ranges(ranges, read)


def _check_hash(what: str, h: bytes, error: type[TlogError]) -> None:
    if len(h) != HASH_SIZE:
        raise error(f"{what} is {len(h)} bytes, not {HASH_SIZE}")


def verify_inclusion(
    *, leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Checks, exactly as RFC 9162 2.1.3.2, that `proof` leads from leaf to root.

    Raises InclusionProofError unless every hash is 32 bytes, index < size,
    the proof has exactly the length the tree shape requires, and the
    recomputed root equals `root`.
    """
    _check_hash("leaf hash", leaf_hash, InclusionProofError)
    _check_hash("root hash", root, InclusionProofError)
    for i, p in enumerate(proof):
        _check_hash(f"proof hash {i}", p, InclusionProofError)
    if not 0 <= index < size:
        raise InclusionProofError(f"index {index} is not in a tree of size {size}")
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise InclusionProofError("inclusion proof is longer than the tree is high")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise InclusionProofError("inclusion proof is shorter than the tree is high")
    if r != root:
        raise InclusionProofError("inclusion proof does not lead to the root hash")


def verify_consistency(
    *, size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Checks, exactly as RFC 9162 2.1.4.2, that tree size1 is a prefix of tree size2.

    Edge cases the RFC leaves to the caller: size1 == 0 (every tree extends the
    empty tree) and size1 == size2 (a tree extends only itself) require an
    empty proof, and root1 == EMPTY_ROOT or root1 == root2 respectively.
    Raises ConsistencyProofError on any mismatch or malformed input.
    """
    _check_hash("first root hash", root1, ConsistencyProofError)
    _check_hash("second root hash", root2, ConsistencyProofError)
    for i, p in enumerate(proof):
        _check_hash(f"proof hash {i}", p, ConsistencyProofError)
    if not 0 <= size1 <= size2:
        raise ConsistencyProofError(f"sizes {size1} and {size2} are not 0 <= size1 <= size2")
    if size1 == 0 or size1 == size2:
        if proof:
            raise ConsistencyProofError("consistency proof must be empty for these sizes")
        if size1 == 0 and root1 != EMPTY_ROOT:
            raise ConsistencyProofError("first root hash is not the empty tree's")
        if size1 == size2 and root1 != root2:
            raise ConsistencyProofError("root hashes differ for equal tree sizes")
        return
    if not proof:
        raise ConsistencyProofError("consistency proof is empty")
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ConsistencyProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ConsistencyProofError("consistency proof is too short")
    if fr != root1:
        raise ConsistencyProofError("consistency proof does not lead to the first root hash")
    if sr != root2:
        raise ConsistencyProofError("consistency proof does not lead to the second root hash")


def root_from_leaves(leaf_hashes: Sequence[bytes]) -> bytes:
    """Returns MTH over leaf hashes held in memory (EMPTY_ROOT for none)."""
    if not leaf_hashes:
        return EMPTY_ROOT
    return tree_hash(len(leaf_hashes), MemoryHashReader(leaf_hashes))


def inclusion_proof_from_leaves(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Returns the inclusion proof of leaf `index` over leaf hashes held in memory."""
    return inclusion_proof(index, len(leaf_hashes), MemoryHashReader(leaf_hashes))


def complete_subtree_hash(hashes: Sequence[bytes]) -> bytes:
    """Returns MTH of a power-of-two count of hashes, pairing level by level."""
    row = list(hashes)
    if not row or len(row) & (len(row) - 1):
        raise TlogError(f"{len(row)} hashes do not form a complete subtree")
    while len(row) > 1:
        row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row), 2)]
    return row[0]


class MemoryHashReader:
    """A HashReader over all leaf hashes held in memory (tests, small trees)."""

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        self._leaves = leaf_hashes

    def __call__(self, nodes: Sequence[Node]) -> list[bytes]:
        out = []
        for node in nodes:
            lo, hi = node.index << node.level, (node.index + 1) << node.level
            if hi > len(self._leaves):
                raise TlogError(
                    f"node {node.level}/{node.index} is beyond {len(self._leaves)} leaves"
                )
            out.append(complete_subtree_hash(self._leaves[lo:hi]))
        return out
