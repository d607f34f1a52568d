"""RFC 9162 Merkle tree maths: hashing, proofs and their verification.

Proof generation never sees the whole tree. It names the complete subtrees it
needs as `Node(level, index)` (the subtree of 2**level leaves starting at leaf
index * 2**level) and asks the caller's `HashReader` for their hashes, so the
same code serves an in-memory list, database tiles or tiles fetched over HTTP.
Modelled on Go's golang.org/x/mod/sumdb/tlog.
"""

import hashlib
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import NamedTuple

from .errors import ConsistencyProofError, InclusionProofError, TlogError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


class Node(NamedTuple):
    """The complete subtree of 2**level leaves starting at leaf index * 2**level.

    A named tuple, not a dataclass: a proof names some twenty of them, and a tuple is
    built, hashed and compared in C.
    """

    level: int
    # The field hides tuple.index(), a search no caller makes of a node's two numbers.
    index: int  # type: ignore[assignment]


HashReader = Callable[[Sequence[tuple[int, int]]], Sequence[bytes]]
"""Returns the hash of each requested complete subtree, in order. Each comes as its
(level, index), a Node or a plain pair: the busiest callers build plain pairs, which
cost a quarter as much."""


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
    # One read for the whole proof, so a tile-backed reader fetches each tile once.
    plans = [subtree_nodes(lo, hi) for lo, hi in ranges]
    nodes = [node for plan in plans for node in plan]
    hashes = read(nodes)
    if len(hashes) != len(nodes):
        raise TlogError("hash reader returned the wrong number of hashes")
    proof, at = [], 0
    for plan in plans:
        # Most ranges are one complete subtree: its hash is the range's, nothing to fold.
        count = len(plan)
        proof.append(hashes[at] if count == 1 else fold_subtrees(hashes[at : at + count]))
        at += count
    return proof


Plan = tuple[list[tuple[int, int]], tuple[tuple[int, int], ...], list[tuple[int, int]]]
Peaks = tuple[tuple[int, int], ...]


def _inclusion_plan(index: int, size: int) -> Plan:
    # RFC 9162 2.1.3.1 PATH, unrolled. The tree's top splits it into peaks: complete
    # subtrees, one for each bit set in `size`, largest first. PATH ends in the peak that
    # holds the leaf: its proof is, bottom-up, the leaf's sibling at each level of that
    # peak (inner), then the hash of all the peaks to its right (right: their nodes, to
    # fold into one hash), then each peak to its left, the nearest first (left).
    if not 0 <= index < size:
        raise InclusionProofError(f"index {index} is not in a tree of size {size}")
    level, start, right, left = _peak_of(index, size)
    inner = [(height, (index >> height) ^ 1) for height in range(level)]
    return inner, right, list(left)


def _peak_of(index: int, size: int) -> tuple[int, int, Peaks, Peaks]:
    """The peak that holds leaf `index` (0 <= index < size): its level and first leaf, the
    peaks to its right (to fold into one hash) and those to its left, the nearest first."""
    at = bisect_right(_peak_starts(size), index) - 1
    level, start = _peaks(size)[at]
    return level, start, _right_peaks(start + (1 << level), size), _left_peaks(at, size)


@lru_cache(maxsize=64)
def _peaks(size: int) -> Peaks:
    # The tree's peaks, largest (leftmost) first: (level, first leaf) of each.
    peaks, start = [], 0
    for level in reversed(range(size.bit_length())):
        if size >> level & 1:
            peaks.append((level, start))
            start += 1 << level
    return tuple(peaks)


@lru_cache(maxsize=64)
def _peak_starts(size: int) -> tuple[int, ...]:
    return tuple(start for _, start in _peaks(size))


@lru_cache(maxsize=256)
def _left_peaks(at: int, size: int) -> Peaks:
    # The peaks left of the at-th, as nodes, the nearest first.
    return tuple((level, start >> level) for level, start in reversed(_peaks(size)[:at]))


@lru_cache(maxsize=256)
def _right_peaks(lo: int, size: int) -> tuple[tuple[int, int], ...]:
    # The same for every leaf of a peak, and every proof against a checkpoint asks for it.
    return tuple(subtree_nodes(lo, size))


def inclusion_proof(index: int, size: int, read: HashReader) -> list[bytes]:
    """Returns the RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves."""
    inner, right, left = _inclusion_plan(index, size)
    # As inclusion_proofs([index], ...)[0], without its de-duplication of nodes across
    # proofs: a verification makes one proof, and that cost it a quarter more time.
    # One read for the whole proof, so a tile-backed reader fetches each tile once.
    hashes = read([*inner, *right, *left])
    if len(hashes) != len(inner) + len(right) + len(left):
        raise TlogError("hash reader returned the wrong number of hashes")
    proof = list(hashes[: len(inner)])
    if right:
        proof.append(fold_subtrees(hashes[len(inner) : len(inner) + len(right)]))
    proof += hashes[len(inner) + len(right) :]
    return proof


def inclusion_proofs(indices: Sequence[int], size: int, read: HashReader) -> list[list[bytes]]:
    """Returns the inclusion proof of each leaf in `indices`, in order, as inclusion_proof
    would, in one read of each node they need.

    The leaves of a batch are neighbours: a thousand of them need some seventeen thousand
    hashes, but only about two thousand different ones. So the work goes by node, not by
    proof: the leaves' paths up each peak merge, every node on them is visited once, and
    the proofs of two leaves share the tuple of hashes above the node where they meet.
    """
    for index in indices:
        if not 0 <= index < size:
            raise InclusionProofError(f"index {index} is not in a tree of size {size}")
    starts = _peak_starts(size)
    by_peak: dict[int, list[int]] = {}
    for index in dict.fromkeys(indices):
        by_peak.setdefault(bisect_right(starts, index) - 1, []).append(index)
    # What each peak's leaves need (as in _inclusion_plan): the sibling of each node on
    # their paths, level by level, then the peaks to the right and to the left.
    wanted: list[tuple[int, int]] = []
    climbs = []
    for leaves in by_peak.values():
        level, start, right, left = _peak_of(leaves[0], size)
        paths = []  # the nodes on the leaves' paths at each height, from the leaves up
        nodes = set(leaves)
        for height in range(level):
            paths.append(nodes)
            wanted += [(height, node ^ 1) for node in nodes]
            nodes = {node >> 1 for node in nodes}
        wanted += right
        wanted += left
        climbs.append((level, start, paths, right, left))
    # A peak is to the left of some leaves and to the right of others: read once.
    wanted = list(dict.fromkeys(wanted))
    hashes = read(wanted)
    if len(hashes) != len(wanted):
        raise TlogError("hash reader returned the wrong number of hashes")
    found = dict(zip(wanted, hashes, strict=True))
    proofs: dict[int, tuple[bytes, ...]] = {}
    for level, start, paths, right, left in climbs:
        above: tuple[bytes, ...] = (
            *((fold_subtrees([found[n] for n in right]),) if right else ()),
            *(found[n] for n in left),
        )
        # Down from the peak: the proof from a node up is its sibling, then the proof
        # from its parent up.
        tails = {start >> level: above}
        for height in reversed(range(level)):
            tails = {n: (found[(height, n ^ 1)], *tails[n >> 1]) for n in paths[height]}
        proofs.update(tails)
    return [list(proofs[index]) for index in indices]


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

    def __call__(self, nodes: Sequence[tuple[int, int]]) -> list[bytes]:
        out = []
        for level, index in nodes:
            lo, hi = index << level, (index + 1) << level
            if hi > len(self._leaves):
                raise TlogError(f"node {level}/{index} is beyond {len(self._leaves)} leaves")
            out.append(complete_subtree_hash(self._leaves[lo:hi]))
        return out
