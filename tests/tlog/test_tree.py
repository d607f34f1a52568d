"""RFC 9162 tree maths: published vectors, a naive reference, and tampered proofs.

The reference below is RFC 9162 2.1.1 (MTH), 2.1.3.1 (PATH) and 2.1.4.1
(SUBPROOF) transcribed literally, recursing over ranges of one fixed leaf
sequence. It is memoized on the range, so that every index of every tree up
to a few hundred leaves can be checked exhaustively.
"""

import hashlib
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judicial_verify.tlog.errors import ConsistencyProofError, InclusionProofError, TlogError
from judicial_verify.tlog.tile import Tile, TileHashReader, TileReader, edge_tiles, extend_tiles
from judicial_verify.tlog.tree import (
    EMPTY_ROOT,
    HASH_SIZE,
    HashReader,
    MemoryHashReader,
    Node,
    complete_subtree_hash,
    consistency_proof,
    inclusion_proof,
    inclusion_proof_from_leaves,
    inclusion_proofs,
    leaf_hash,
    node_hash,
    root_from_leaves,
    subtree_nodes,
    tree_hash,
    verify_consistency,
    verify_inclusion,
)

from .conftest import VECTORS, load_vectors

VECTOR_FILE = "rfc6962_8leaf.json"
assert (VECTORS / VECTOR_FILE).is_file(), f"missing RFC 6962 test vectors at {VECTORS}"
RFC6962: dict[str, Any] = load_vectors(VECTOR_FILE)
VECTOR_LEAVES = [bytes.fromhex(h) for h in RFC6962["leaf_hashes_hex"]]

EXHAUSTIVE_INCLUSION_SIZES = 300
EXHAUSTIVE_CONSISTENCY_SIZES = 130
TAMPER_SIZES = 33
LARGEST_TILED_SIZE = 5000


# --- The naive reference: RFC 9162 2.1.x, literally --------------------------


def entry(i: int) -> bytes:
    """D[i], the i-th entry of the one leaf sequence every reference tree uses."""
    return f"entry {i}".encode()


@cache
def naive_leaf(i: int) -> bytes:
    return hashlib.sha256(b"\x00" + entry(i)).digest()


def largest_power_of_two_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


@cache
def naive_mth(lo: int, hi: int) -> bytes:
    """MTH(D[lo:hi]), RFC 9162 2.1.1."""
    n = hi - lo
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return naive_leaf(lo)
    k = largest_power_of_two_below(n)
    return hashlib.sha256(b"\x01" + naive_mth(lo, lo + k) + naive_mth(lo + k, hi)).digest()


def naive_path(m: int, lo: int, hi: int) -> list[bytes]:
    """PATH(m, D[lo:hi]), RFC 9162 2.1.3.1, with m counted from lo."""
    n = hi - lo
    if n == 1:
        return []
    k = largest_power_of_two_below(n)
    if m < k:
        return naive_path(m, lo, lo + k) + [naive_mth(lo + k, hi)]
    return naive_path(m - k, lo + k, hi) + [naive_mth(lo, lo + k)]


def naive_subproof(m: int, lo: int, hi: int, b: bool) -> list[bytes]:
    """SUBPROOF(m, D[lo:hi], b), RFC 9162 2.1.4.1, with m counted from lo."""
    n = hi - lo
    if m == n:
        return [] if b else [naive_mth(lo, hi)]
    k = largest_power_of_two_below(n)
    if m <= k:
        return naive_subproof(m, lo, lo + k, b) + [naive_mth(lo + k, hi)]
    return naive_subproof(m - k, lo + k, hi, False) + [naive_mth(lo, lo + k)]


def naive_inclusion(index: int, size: int) -> list[bytes]:
    return naive_path(index, 0, size)


def naive_consistency(size1: int, size2: int) -> list[bytes]:
    """PROOF(m, D[n]) = SUBPROOF(m, D[n], true), RFC 9162 2.1.4.1."""
    return naive_subproof(size1, 0, size2, True)


def naive_reader(size: int) -> HashReader:
    """A HashReader serving the reference's hashes, refusing nodes outside the tree."""

    def read(nodes: Sequence[Node]) -> list[bytes]:
        for n in nodes:
            assert (n.index + 1) << n.level <= size, f"{n.level}/{n.index} is outside size {size}"
        return [naive_mth(n.index << n.level, (n.index + 1) << n.level) for n in nodes]

    return read


# --- Tiled trees built in batches --------------------------------------------


TileStore = dict[tuple[int, int], bytes]


def build_tiles(batch_ends: Sequence[int]) -> TileStore:
    """Appends the reference leaves with extend_tiles, one batch per end size."""
    store: TileStore = {}
    size = 0
    for end in batch_ends:
        edge = {t.level: store[(t.level, t.index)] for t in edge_tiles(size)}
        store.update(extend_tiles(size, edge, [naive_leaf(i) for i in range(size, end)]))
        size = end
    return store


def tile_reader(store: TileStore) -> TileReader:
    """A TileReader serving each tile exactly as wide as asked for."""

    def read(tiles: Sequence[Tile]) -> list[bytes]:
        out = []
        for t in tiles:
            data = store[(t.level, t.index)]
            assert len(data) >= t.width * HASH_SIZE, f"{t.path} is not stored that wide"
            out.append(data[: t.width * HASH_SIZE])
        return out

    return read


@st.composite
def tiled_trees(draw: st.DrawFn) -> tuple[int, TileStore]:
    """A tree size up to LARGEST_TILED_SIZE and its tiles, appended in random batches."""
    size = draw(
        st.one_of(
            st.integers(1, LARGEST_TILED_SIZE),
            st.sampled_from([1, 255, 256, 257, 511, 512, 513, 4095, 4096, 4097]),
        )
    )
    cuts = draw(st.lists(st.integers(1, size), max_size=6))
    return size, build_tiles(sorted({*cuts, size}))


# --- Helpers for tampering ---------------------------------------------------


def flip_bit(h: bytes, bit: int) -> bytes:
    out = bytearray(h)
    out[bit // 8 % len(out)] ^= 1 << (bit % 8)
    return bytes(out)


def wrong_length_hash(length: int) -> bytes:
    return (naive_mth(0, 8) * 2)[:length]


def inclusion_claims() -> Iterator[tuple[int, int]]:
    """Every (index, size) of every non-empty tree up to TAMPER_SIZES leaves."""
    for size in range(1, TAMPER_SIZES + 1):
        for index in range(size):
            yield index, size


def consistency_claims() -> Iterator[tuple[int, int]]:
    """Every (size1, size2) with 0 < size1 < size2 <= TAMPER_SIZES."""
    for size2 in range(2, TAMPER_SIZES + 1):
        for size1 in range(1, size2):
            yield size1, size2


def verify_leaf(index: int, size: int, proof: Sequence[bytes], /, **changes: Any) -> None:
    claim: dict[str, Any] = {
        "leaf_hash": naive_leaf(index),
        "index": index,
        "size": size,
        "proof": proof,
        "root": naive_mth(0, size),
    }
    verify_inclusion(**(claim | changes))


def verify_prefix(size1: int, size2: int, proof: Sequence[bytes], /, **changes: Any) -> None:
    claim: dict[str, Any] = {
        "size1": size1,
        "size2": size2,
        "proof": proof,
        "root1": naive_mth(0, size1),
        "root2": naive_mth(0, size2),
    }
    verify_consistency(**(claim | changes))


# --- RFC 6962 vectors ---------------------------------------------------------


@pytest.mark.parametrize("i", range(len(RFC6962["leaves_hex"])))
def test_it_hashes_each_vector_leaf(i: int) -> None:
    assert leaf_hash(bytes.fromhex(RFC6962["leaves_hex"][i])) == VECTOR_LEAVES[i]


@pytest.mark.parametrize("size", range(len(VECTOR_LEAVES) + 1))
def test_it_computes_each_vector_root(size: int) -> None:
    expected = bytes.fromhex(RFC6962["roots_hex"][str(size)])
    assert tree_hash(size, MemoryHashReader(VECTOR_LEAVES)) == expected


@pytest.mark.parametrize("size", range(len(VECTOR_LEAVES) + 1))
def test_it_computes_each_vector_root_from_leaves_in_memory(size: int) -> None:
    expected = bytes.fromhex(RFC6962["roots_hex"][str(size)])
    assert root_from_leaves(VECTOR_LEAVES[:size]) == expected


@pytest.mark.parametrize("v", RFC6962["inclusion"], ids=lambda v: f"{v['index']}-of-{v['size']}")
def test_it_generates_each_vector_inclusion_proof(v: dict[str, Any]) -> None:
    proof = inclusion_proof(v["index"], v["size"], MemoryHashReader(VECTOR_LEAVES))
    assert proof == [bytes.fromhex(h) for h in v["path"]]


@pytest.mark.parametrize("v", RFC6962["inclusion"], ids=lambda v: f"{v['index']}-of-{v['size']}")
def test_it_accepts_each_vector_inclusion_proof(v: dict[str, Any]) -> None:
    verify_inclusion(
        leaf_hash=bytes.fromhex(v["leaf_hash"]),
        index=v["index"],
        size=v["size"],
        proof=[bytes.fromhex(h) for h in v["path"]],
        root=bytes.fromhex(v["root"]),
    )


@pytest.mark.parametrize("v", RFC6962["consistency"], ids=lambda v: f"{v['size1']}-to-{v['size2']}")
def test_it_generates_each_vector_consistency_proof(v: dict[str, Any]) -> None:
    proof = consistency_proof(v["size1"], v["size2"], MemoryHashReader(VECTOR_LEAVES))
    assert proof == [bytes.fromhex(h) for h in v["proof"]]


@pytest.mark.parametrize("v", RFC6962["consistency"], ids=lambda v: f"{v['size1']}-to-{v['size2']}")
def test_it_accepts_each_vector_consistency_proof(v: dict[str, Any]) -> None:
    verify_consistency(
        size1=v["size1"],
        size2=v["size2"],
        proof=[bytes.fromhex(h) for h in v["proof"]],
        root1=bytes.fromhex(v["root1"]),
        root2=bytes.fromhex(v["root2"]),
    )


# --- Hashing primitives -------------------------------------------------------


def test_it_takes_the_empty_root_as_the_hash_of_nothing() -> None:
    assert EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert tree_hash(0, MemoryHashReader([])) == EMPTY_ROOT


def test_it_prefixes_leaf_hashes_with_a_zero_byte() -> None:
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()


def test_it_prefixes_node_hashes_with_a_one_byte() -> None:
    left, right = b"L" * 32, b"R" * 32
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()


def test_it_rejects_a_negative_tree_size() -> None:
    with pytest.raises(TlogError):
        tree_hash(-1, MemoryHashReader([]))


def test_it_names_the_complete_subtrees_of_a_range_left_to_right() -> None:
    assert subtree_nodes(0, 7) == [Node(2, 0), Node(1, 2), Node(0, 6)]
    assert subtree_nodes(8, 13) == [Node(2, 2), Node(0, 12)]


def test_it_refuses_a_range_off_the_trees_split_points() -> None:
    with pytest.raises(TlogError):
        subtree_nodes(1, 3)


@pytest.mark.parametrize("count", [0, 3, 6])
def test_it_refuses_to_hash_a_non_power_of_two_count_as_a_complete_subtree(count: int) -> None:
    with pytest.raises(TlogError):
        complete_subtree_hash([naive_leaf(i) for i in range(count)])


def test_it_refuses_to_read_a_node_beyond_the_leaves_in_memory() -> None:
    with pytest.raises(TlogError):
        MemoryHashReader([naive_leaf(i) for i in range(5)])([Node(1, 2)])


def test_it_rejects_a_hash_reader_that_returns_the_wrong_number_of_hashes() -> None:
    with pytest.raises(TlogError):
        inclusion_proof(0, 8, lambda nodes: [EMPTY_ROOT])


# --- Against the naive reference, exhaustively --------------------------------


def test_it_computes_the_root_of_every_tree_up_to_300_leaves_as_mth() -> None:
    for size in range(EXHAUSTIVE_INCLUSION_SIZES + 1):
        assert tree_hash(size, naive_reader(size)) == naive_mth(0, size), f"size {size}"


def test_it_computes_the_root_of_every_tree_up_to_300_leaves_in_memory() -> None:
    leaves = [naive_leaf(i) for i in range(EXHAUSTIVE_INCLUSION_SIZES)]
    for size in range(EXHAUSTIVE_INCLUSION_SIZES + 1):
        assert root_from_leaves(leaves[:size]) == naive_mth(0, size), f"size {size}"


def test_it_generates_the_rfc_path_for_every_index_of_every_tree_up_to_300_leaves() -> None:
    for size in range(1, EXHAUSTIVE_INCLUSION_SIZES + 1):
        read = naive_reader(size)
        for index in range(size):
            expected = naive_inclusion(index, size)
            assert inclusion_proof(index, size, read) == expected, f"{index} of {size}"


def once_reader(size: int) -> tuple[list[int], HashReader]:
    """naive_reader, refusing a node asked for twice, and the size of each read."""
    reads: list[int] = []
    naive = naive_reader(size)

    def read(nodes: Sequence[Node]) -> list[bytes]:
        reads.append(len(nodes))
        assert len(set(nodes)) == len(nodes), "a node asked for twice"
        return list(naive(nodes))

    return reads, read


def test_it_generates_the_rfc_paths_of_every_run_of_leaves_in_one_read_up_to_300_leaves() -> None:
    for size in range(1, EXHAUSTIVE_INCLUSION_SIZES + 1):
        reads, read = once_reader(size)
        for first in range(0, size, 7):
            indices = range(first, min(size, first + 40))
            expected = [naive_inclusion(index, size) for index in indices]
            assert inclusion_proofs(indices, size, read) == expected, f"{first}.. of {size}"
        assert len(reads) == len(range(0, size, 7))


leaves_of_trees = st.integers(1, 2000).flatmap(
    lambda size: st.tuples(st.just(size), st.lists(st.integers(0, size - 1)))
)


@given(leaves_of_trees)
def test_it_generates_the_rfc_paths_of_any_leaves_in_any_order(case: tuple[int, list[int]]) -> None:
    size, indices = case
    expected = [naive_inclusion(index, size) for index in indices]
    assert inclusion_proofs(indices, size, once_reader(size)[1]) == expected


def test_it_refuses_proofs_of_a_leaf_outside_the_tree() -> None:
    with pytest.raises(InclusionProofError):
        inclusion_proofs([0, 5], 5, naive_reader(5))


def test_it_accepts_the_rfc_path_for_every_index_of_every_tree_up_to_300_leaves() -> None:
    for size in range(1, EXHAUSTIVE_INCLUSION_SIZES + 1):
        for index in range(size):
            verify_leaf(index, size, naive_inclusion(index, size))


def test_it_generates_the_rfc_path_from_leaves_in_memory_for_every_small_tree() -> None:
    leaves = [naive_leaf(i) for i in range(TAMPER_SIZES)]
    for index, size in inclusion_claims():
        expected = naive_inclusion(index, size)
        assert inclusion_proof_from_leaves(index, leaves[:size]) == expected, f"{index} of {size}"


def test_it_generates_the_rfc_proof_for_every_pair_of_sizes_up_to_130() -> None:
    for size2 in range(1, EXHAUSTIVE_CONSISTENCY_SIZES + 1):
        read = naive_reader(size2)
        for size1 in range(1, size2 + 1):
            expected = naive_consistency(size1, size2)
            assert consistency_proof(size1, size2, read) == expected, f"{size1} to {size2}"


def test_it_accepts_the_rfc_proof_for_every_pair_of_sizes_up_to_130() -> None:
    for size2 in range(1, EXHAUSTIVE_CONSISTENCY_SIZES + 1):
        for size1 in range(1, size2 + 1):
            verify_prefix(size1, size2, naive_consistency(size1, size2))


# --- Against the naive reference, through tiles built in random batches -------


@settings(max_examples=40, deadline=None)
@given(tiled_trees(), st.data())
def test_it_reads_the_mth_of_any_tiled_tree(
    tree: tuple[int, TileStore], data: st.DataObject
) -> None:
    size, store = tree
    for s in {size, data.draw(st.integers(0, size))}:
        assert tree_hash(s, TileHashReader(s, tile_reader(store))) == naive_mth(0, s)


@settings(max_examples=40, deadline=None)
@given(tiled_trees(), st.data())
def test_it_generates_the_rfc_path_from_tiles(
    tree: tuple[int, TileStore], data: st.DataObject
) -> None:
    size, store = tree
    read = TileHashReader(size, tile_reader(store))
    for index in {0, size - 1, *data.draw(st.lists(st.integers(0, size - 1), max_size=5))}:
        proof = inclusion_proof(index, size, read)
        assert proof == naive_inclusion(index, size)
        verify_leaf(index, size, proof)


@settings(max_examples=40, deadline=None)
@given(tiled_trees(), st.data())
def test_it_generates_the_rfc_proof_from_tiles(
    tree: tuple[int, TileStore], data: st.DataObject
) -> None:
    size2, store = tree
    read = TileHashReader(size2, tile_reader(store))
    for size1 in {1, size2, *data.draw(st.lists(st.integers(1, size2), max_size=5))}:
        proof = consistency_proof(size1, size2, read)
        assert proof == naive_consistency(size1, size2)
        verify_prefix(size1, size2, proof)


# --- Inclusion proofs that must be refused ------------------------------------


def test_it_rejects_an_inclusion_proof_with_any_bit_flipped_in_any_element() -> None:
    for index, size in inclusion_claims():
        proof = naive_inclusion(index, size)
        for i in range(len(proof)):
            for bit in (0, 8 * HASH_SIZE - 1, 37 * i + index):
                tampered = [*proof[:i], flip_bit(proof[i], bit), *proof[i + 1 :]]
                with pytest.raises(InclusionProofError):
                    verify_leaf(index, size, tampered)


def test_it_rejects_an_inclusion_proof_missing_its_last_element() -> None:
    for index, size in inclusion_claims():
        proof = naive_inclusion(index, size)
        if proof:
            with pytest.raises(InclusionProofError):
                verify_leaf(index, size, proof[:-1])


def test_it_rejects_an_inclusion_proof_with_an_extra_element() -> None:
    for index, size in inclusion_claims():
        proof = naive_inclusion(index, size)
        for extra in (EMPTY_ROOT, naive_leaf(index), naive_mth(0, size)):
            with pytest.raises(InclusionProofError):
                verify_leaf(index, size, [*proof, extra])


def test_it_rejects_an_inclusion_proof_for_another_index() -> None:
    for index, size in inclusion_claims():
        proof = naive_inclusion(index, size)
        for other in range(size):
            if other != index:
                with pytest.raises(InclusionProofError):
                    verify_leaf(index, size, proof, index=other)


def test_it_rejects_an_inclusion_proof_for_another_leaf() -> None:
    for index, size in inclusion_claims():
        with pytest.raises(InclusionProofError):
            verify_leaf(index, size, naive_inclusion(index, size), leaf_hash=naive_leaf(index + 1))


def test_it_rejects_an_inclusion_proof_against_the_root_of_another_size() -> None:
    for index, size in inclusion_claims():
        proof = naive_inclusion(index, size)
        for other in range(index + 1, TAMPER_SIZES + 1):
            if other != size:
                with pytest.raises(InclusionProofError):
                    verify_leaf(index, size, proof, size=other, root=naive_mth(0, other))


def test_it_rejects_an_inclusion_proof_against_a_tampered_root() -> None:
    for index, size in inclusion_claims():
        with pytest.raises(InclusionProofError):
            verify_leaf(
                index, size, naive_inclusion(index, size), root=flip_bit(naive_mth(0, size), index)
            )


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 1), (2, 1), (7, 7), (8, 7), (8, 8)])
def test_it_rejects_an_index_at_or_beyond_the_tree_size(index: int, size: int) -> None:
    last_proof = naive_inclusion(size - 1, size) if size else []
    with pytest.raises(InclusionProofError):
        verify_leaf(index, size, last_proof)


def test_it_rejects_an_inclusion_proof_that_runs_past_the_root_into_a_claimed_root() -> None:
    for index, size in inclusion_claims():
        root = naive_mth(0, size)
        for extra in (EMPTY_ROOT, root):
            with pytest.raises(InclusionProofError):
                verify_leaf(
                    index, size, [*naive_inclusion(index, size), extra], root=node_hash(extra, root)
                )


def test_it_rejects_an_inclusion_proof_that_stops_at_a_subtree_of_the_claimed_tree() -> None:
    for size in (1, 2, 4, 8, 16):
        for index in range(size):
            with pytest.raises(InclusionProofError):
                verify_leaf(index, size, naive_inclusion(index, size), size=2 * size)


@pytest.mark.parametrize(("index", "size"), [(1, 1), (2, 2), (4, 4), (8, 8), (16, 16)])
def test_it_rejects_an_index_beyond_the_tree_even_when_the_proof_hashes_to_the_root(
    index: int, size: int
) -> None:
    proof = naive_inclusion(size - 1, size)
    root = naive_leaf(index)
    for p in proof:
        root = node_hash(root, p)
    with pytest.raises(InclusionProofError):
        verify_leaf(index, size, proof, root=root)


def test_it_rejects_a_negative_index_even_when_the_proof_hashes_to_the_root() -> None:
    sibling = naive_leaf(0)
    with pytest.raises(InclusionProofError):
        verify_leaf(
            -1, 2, [sibling], leaf_hash=naive_leaf(1), root=node_hash(sibling, naive_leaf(1))
        )


def test_it_refuses_to_generate_an_inclusion_proof_outside_the_tree() -> None:
    for index, size in [(0, 0), (4, 4), (5, 4), (-1, 4)]:
        with pytest.raises(InclusionProofError):
            inclusion_proof(index, size, naive_reader(size))


@pytest.mark.parametrize("length", [0, 31, 33, 64])
def test_it_rejects_a_leaf_hash_that_is_not_32_bytes_even_when_it_hashes_to_the_root(
    length: int,
) -> None:
    bad = wrong_length_hash(length)
    with pytest.raises(InclusionProofError):
        verify_leaf(0, 2, [naive_leaf(1)], leaf_hash=bad, root=node_hash(bad, naive_leaf(1)))


@pytest.mark.parametrize("length", [0, 31, 33, 64])
def test_it_rejects_a_proof_hash_that_is_not_32_bytes_even_when_it_hashes_to_the_root(
    length: int,
) -> None:
    bad = wrong_length_hash(length)
    with pytest.raises(InclusionProofError):
        verify_leaf(0, 2, [bad], root=node_hash(naive_leaf(0), bad))


@pytest.mark.parametrize("length", [0, 31, 33, 64])
def test_it_rejects_a_root_hash_that_is_not_32_bytes(length: int) -> None:
    bad = wrong_length_hash(length)
    with pytest.raises(InclusionProofError):
        verify_leaf(0, 1, [], root=bad)


# --- Consistency proofs that must be refused ----------------------------------


def test_it_rejects_a_consistency_proof_with_any_bit_flipped_in_any_element() -> None:
    for size1, size2 in consistency_claims():
        proof = naive_consistency(size1, size2)
        for i in range(len(proof)):
            for bit in (0, 8 * HASH_SIZE - 1, 37 * i + size1):
                tampered = [*proof[:i], flip_bit(proof[i], bit), *proof[i + 1 :]]
                with pytest.raises(ConsistencyProofError):
                    verify_prefix(size1, size2, tampered)


def test_it_rejects_a_consistency_proof_missing_its_last_element() -> None:
    for size1, size2 in consistency_claims():
        with pytest.raises(ConsistencyProofError):
            verify_prefix(size1, size2, naive_consistency(size1, size2)[:-1])


def test_it_rejects_a_consistency_proof_with_an_extra_element() -> None:
    for size1, size2 in consistency_claims():
        proof = naive_consistency(size1, size2)
        for extra in (EMPTY_ROOT, naive_mth(0, size1), naive_mth(0, size2)):
            with pytest.raises(ConsistencyProofError):
                verify_prefix(size1, size2, [*proof, extra])


def test_it_rejects_a_consistency_proof_from_another_first_size() -> None:
    for size1, size2 in consistency_claims():
        proof = naive_consistency(size1, size2)
        for other in range(1, size2):
            if other != size1:
                with pytest.raises(ConsistencyProofError):
                    verify_prefix(size1, size2, proof, size1=other, root1=naive_mth(0, other))


def test_it_rejects_a_consistency_proof_to_another_second_size() -> None:
    for size1, size2 in consistency_claims():
        proof = naive_consistency(size1, size2)
        for other in range(size1 + 1, TAMPER_SIZES + 1):
            if other != size2:
                with pytest.raises(ConsistencyProofError):
                    verify_prefix(size1, size2, proof, size2=other, root2=naive_mth(0, other))


def test_it_rejects_a_consistency_proof_with_its_roots_swapped() -> None:
    for size1, size2 in consistency_claims():
        with pytest.raises(ConsistencyProofError):
            verify_prefix(
                size1,
                size2,
                naive_consistency(size1, size2),
                root1=naive_mth(0, size2),
                root2=naive_mth(0, size1),
            )


def test_it_rejects_a_first_size_larger_than_the_second() -> None:
    for size1, size2 in consistency_claims():
        with pytest.raises(ConsistencyProofError):
            verify_prefix(size2, size1, naive_consistency(size1, size2))


def test_it_rejects_an_empty_consistency_proof_between_unequal_sizes() -> None:
    for size1, size2 in consistency_claims():
        with pytest.raises(ConsistencyProofError):
            verify_prefix(size1, size2, [])


def test_it_rejects_a_negative_first_size() -> None:
    with pytest.raises(ConsistencyProofError):
        verify_prefix(0, 4, [], size1=-1)


@pytest.mark.parametrize("size2", [0, 1, 2, 7, 8])
def test_it_accepts_an_empty_proof_from_the_empty_tree_to_any_tree(size2: int) -> None:
    verify_prefix(0, size2, [])


@pytest.mark.parametrize("size2", [1, 2, 7, 8])
def test_it_rejects_a_non_empty_proof_from_the_empty_tree(size2: int) -> None:
    with pytest.raises(ConsistencyProofError):
        verify_prefix(0, size2, [naive_mth(0, size2)])


@pytest.mark.parametrize("size2", [1, 2, 7, 8])
def test_it_rejects_a_first_root_other_than_the_empty_root_for_the_empty_tree(size2: int) -> None:
    with pytest.raises(ConsistencyProofError):
        verify_prefix(0, size2, [], root1=naive_mth(0, 1))


def test_it_rejects_a_second_root_other_than_the_empty_root_for_two_empty_trees() -> None:
    with pytest.raises(ConsistencyProofError):
        verify_prefix(0, 0, [], root2=naive_mth(0, 1))


@pytest.mark.parametrize("size", [1, 2, 7, 8])
def test_it_accepts_an_empty_proof_between_equal_sizes_with_equal_roots(size: int) -> None:
    verify_prefix(size, size, [])


@pytest.mark.parametrize("size", [1, 2, 7, 8])
def test_it_rejects_a_non_empty_proof_between_equal_sizes(size: int) -> None:
    with pytest.raises(ConsistencyProofError):
        verify_prefix(size, size, [naive_mth(0, size)])


@pytest.mark.parametrize("size", [1, 2, 7, 8])
def test_it_rejects_unequal_roots_for_equal_sizes(size: int) -> None:
    with pytest.raises(ConsistencyProofError):
        verify_prefix(size, size, [], root2=naive_mth(0, size + 1))


def test_it_rejects_a_consistency_proof_against_a_tampered_first_root() -> None:
    for size1, size2 in consistency_claims():
        with pytest.raises(ConsistencyProofError):
            verify_prefix(
                size1,
                size2,
                naive_consistency(size1, size2),
                root1=flip_bit(naive_mth(0, size1), size2),
            )


def test_it_rejects_a_consistency_proof_against_a_tampered_second_root() -> None:
    for size1, size2 in consistency_claims():
        with pytest.raises(ConsistencyProofError):
            verify_prefix(
                size1,
                size2,
                naive_consistency(size1, size2),
                root2=flip_bit(naive_mth(0, size2), size1),
            )


def test_it_rejects_a_consistency_proof_that_runs_past_the_roots_into_claimed_roots() -> None:
    for size1, size2 in consistency_claims():
        root1, root2 = naive_mth(0, size1), naive_mth(0, size2)
        for extra in (EMPTY_ROOT, root1):
            with pytest.raises(ConsistencyProofError):
                verify_prefix(
                    size1,
                    size2,
                    [*naive_consistency(size1, size2), extra],
                    root1=node_hash(extra, root1),
                    root2=node_hash(extra, root2),
                )


def test_it_rejects_a_consistency_proof_that_stops_at_a_subtree_of_the_second_tree() -> None:
    for size2 in (2, 4, 8, 16):
        for size1 in range(1, size2):
            with pytest.raises(ConsistencyProofError):
                verify_prefix(size1, size2, naive_consistency(size1, size2), size2=2 * size2)


@pytest.mark.parametrize("length", [0, 31, 33, 64])
def test_it_rejects_equal_roots_that_are_not_32_bytes(length: int) -> None:
    bad = wrong_length_hash(length)
    with pytest.raises(ConsistencyProofError):
        verify_prefix(3, 3, [], root1=bad, root2=bad)


@pytest.mark.parametrize("length", [0, 31, 33, 64])
def test_it_rejects_a_consistency_proof_hash_that_is_not_32_bytes_even_when_it_hashes_to_the_root(
    length: int,
) -> None:
    bad = wrong_length_hash(length)
    with pytest.raises(ConsistencyProofError):
        verify_prefix(1, 2, [bad], root2=node_hash(naive_leaf(0), bad))


def test_it_generates_an_empty_consistency_proof_from_the_empty_tree() -> None:
    assert consistency_proof(0, 5, naive_reader(5)) == []


def test_it_generates_an_empty_consistency_proof_between_equal_sizes() -> None:
    assert consistency_proof(5, 5, naive_reader(5)) == []


@pytest.mark.parametrize(("size1", "size2"), [(5, 4), (1, 0), (-1, 4)])
def test_it_refuses_to_generate_a_consistency_proof_between_unordered_sizes(
    size1: int, size2: int
) -> None:
    with pytest.raises(ConsistencyProofError):
        consistency_proof(size1, size2, naive_reader(max(size2, 0)))
