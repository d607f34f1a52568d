"""C2SP tlog-tiles: paths, widths, edge tiles, appending, reading hashes, entry bundles.

Expected tiles come from the spec's own definition: the n-th tile at level l
holds MTH(D[(n * 256 + i) * 256**l : (n * 256 + i + 1) * 256**l]) for each i.
"""

import hashlib
from collections.abc import Sequence
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judicial_verify.tlog.errors import MalformedError, TileError
from judicial_verify.tlog.tile import (
    ENTRIES_LEVEL,
    MAX_LEVEL,
    TILE_WIDTH,
    Tile,
    TileCache,
    TileHashReader,
    TileReader,
    edge_tiles,
    extend_tiles,
    format_entry_bundle,
    parse_entry_bundle,
    parse_tile_path,
    split_hashes,
    tile_rows,
    tile_width_at,
)
from judicial_verify.tlog.tree import HASH_SIZE, Node, inclusion_proof

SPEC_EXAMPLE_SIZE = 70_000
LARGEST_BATCHED_SIZE = 3000

TileStore = dict[tuple[int, int], bytes]


@cache
def leaf(i: int) -> bytes:
    return hashlib.sha256(b"\x00" + f"entry {i}".encode()).digest()


def leaves(lo: int, hi: int) -> list[bytes]:
    return [leaf(i) for i in range(lo, hi)]


@cache
def complete_mth(lo: int, hi: int) -> bytes:
    """MTH(D[lo:hi]) for a power-of-two range, halving as RFC 9162 2.1.1 does."""
    if hi - lo == 1:
        return leaf(lo)
    mid = (lo + hi) // 2
    return hashlib.sha256(b"\x01" + complete_mth(lo, mid) + complete_mth(mid, hi)).digest()


def spec_tiles(size: int) -> TileStore:
    """Every non-empty tile of a tree of `size` leaves, by the spec's formula."""
    tiles: TileStore = {}
    level = 0
    while TILE_WIDTH**level <= size:
        span = TILE_WIDTH**level
        row = size // span
        for n in range(-(-row // TILE_WIDTH)):
            hashes = range(n * TILE_WIDTH, min(row, (n + 1) * TILE_WIDTH))
            tiles[(level, n)] = b"".join(complete_mth(i * span, (i + 1) * span) for i in hashes)
        level += 1
    return tiles


def build_tiles(batch_ends: Sequence[int]) -> TileStore:
    """Appends the leaves with extend_tiles, one batch per end size."""
    store: TileStore = {}
    size = 0
    for end in batch_ends:
        edge = {t.level: store[(t.level, t.index)] for t in edge_tiles(size)}
        store.update(extend_tiles(size, edge, leaves(size, end)))
        size = end
    return store


def exact_width_reader(store: TileStore, size: int) -> TileHashReader:
    """A TileHashReader whose tiles must be asked for exactly as wide as they stand."""

    def read(tiles: Sequence[Tile]) -> list[bytes]:
        for t in tiles:
            assert t.width == tile_width_at(t.level, t.index, size), t
        return [store[(t.level, t.index)][: t.width * HASH_SIZE] for t in tiles]

    return TileHashReader(size, read)


# --- Paths --------------------------------------------------------------------


PATHS = [
    (Tile(0, 1234067), "tile/0/x001/x234/067"),
    (Tile(0, 0), "tile/0/000"),
    (Tile(0, 5), "tile/0/005"),
    (Tile(3, 999), "tile/3/999"),
    (Tile(1, 1000), "tile/1/x001/000"),
    (Tile(2, 1_000_000), "tile/2/x001/x000/000"),
    (Tile(0, 1234067, 5), "tile/0/x001/x234/067.p/5"),
    (Tile(1, 1, 17), "tile/1/001.p/17"),
    (Tile(MAX_LEVEL, 0, 255), "tile/63/000.p/255"),
    (Tile(ENTRIES_LEVEL, 1234067), "tile/entries/x001/x234/067"),
    (Tile(ENTRIES_LEVEL, 273, 112), "tile/entries/273.p/112"),
]

MALFORMED_PATHS = [
    "",
    "tile/00/000",
    "tile/01/000",
    "tile/64/000",
    "tile/99/000",
    "tile/100/000",
    "tile/-1/000",
    "tile/+1/000",
    "tile//000",
    "tile/0",
    "tile/0/",
    "tile/entry/000",
    "tile/Entries/000",
    "Tile/0/000",
    "tile/0/1",
    "tile/0/12",
    "tile/0/0000",
    "tile/0/1234067",
    "tile/0/001/234/067",
    "tile/0/x001/x234/x067",
    "tile/0/X001/234",
    "tile/0/x1/234",
    "tile/0/x12/345",
    "tile/0/x1234/567",
    "tile/0/x000/123",
    "tile/0/x000/000",
    "tile/0/x000/x001/234",
    "tile/0/00a",
    "tile/0/ 001",
    "tile/0/\u0660\u0660\u0661",
    "tile/0/001/",
    "/tile/0/001",
    "tile/0/001\n",
    "tile/0/001.p",
    "tile/0/001.p/",
    "tile/0/001p/5",
    "tile/0/001.P/5",
    "tile/0/001.p/5/",
    "tile/0/001.p/5.p/5",
    "tile/0/001.p/0",
    "tile/0/001.p/00",
    "tile/0/001.p/05",
    "tile/0/001.p/256",
    "tile/0/001.p/257",
    "tile/0/001.p/1000",
    "tile/0/001.p/-1",
    "tile/entries/000.p/256",
    "tile/entries/x000/001",
]


@pytest.mark.parametrize(("tile", "path"), PATHS, ids=[p for _, p in PATHS])
def test_it_formats_each_tile_path(tile: Tile, path: str) -> None:
    assert tile.path == path


@pytest.mark.parametrize(("tile", "path"), PATHS, ids=[p for _, p in PATHS])
def test_it_parses_each_canonical_tile_path(tile: Tile, path: str) -> None:
    assert parse_tile_path(path) == tile


@settings(max_examples=300, deadline=None)
@given(
    st.builds(
        Tile,
        level=st.integers(ENTRIES_LEVEL, MAX_LEVEL),
        index=st.integers(0, 10**15),
        width=st.integers(1, TILE_WIDTH),
    )
)
def test_it_parses_every_formatted_path_back_to_its_tile(tile: Tile) -> None:
    assert parse_tile_path(tile.path) == tile


@pytest.mark.parametrize("path", MALFORMED_PATHS, ids=repr)
def test_it_rejects_a_malformed_or_non_canonical_tile_path(path: str) -> None:
    with pytest.raises(TileError):
        parse_tile_path(path)


@pytest.mark.parametrize(
    ("level", "index", "width"),
    [
        (MAX_LEVEL + 1, 0, 1),
        (ENTRIES_LEVEL - 1, 0, 1),
        (0, -1, 1),
        (0, 0, 0),
        (0, 0, TILE_WIDTH + 1),
    ],
)
def test_it_refuses_a_tile_outside_the_spec_ranges(level: int, index: int, width: int) -> None:
    with pytest.raises(TileError):
        Tile(level, index, width)


# --- Widths and edge tiles ----------------------------------------------------


def test_it_counts_273_full_level_0_tiles_and_one_of_width_112_in_a_tree_of_70000() -> None:
    widths = [tile_width_at(0, n, SPEC_EXAMPLE_SIZE) for n in range(275)]
    assert widths == [TILE_WIDTH] * 273 + [112, 0]


def test_it_counts_one_full_level_1_tile_and_one_of_width_17_in_a_tree_of_70000() -> None:
    assert [tile_width_at(1, n, SPEC_EXAMPLE_SIZE) for n in range(3)] == [TILE_WIDTH, 17, 0]


def test_it_counts_one_level_2_tile_of_width_1_in_a_tree_of_70000() -> None:
    assert [tile_width_at(2, n, SPEC_EXAMPLE_SIZE) for n in range(2)] == [1, 0]
    assert tile_width_at(3, 0, SPEC_EXAMPLE_SIZE) == 0


def test_it_counts_a_full_level_0_tile_and_a_level_1_tile_of_width_1_in_a_tree_of_256() -> None:
    assert [tile_width_at(0, 0, 256), tile_width_at(0, 1, 256)] == [TILE_WIDTH, 0]
    assert tile_width_at(1, 0, 256) == 1


def test_it_gives_entry_bundles_the_widths_of_level_0_tiles() -> None:
    for n in range(275):
        assert tile_width_at(ENTRIES_LEVEL, n, SPEC_EXAMPLE_SIZE) == tile_width_at(
            0, n, SPEC_EXAMPLE_SIZE
        )


@pytest.mark.parametrize(
    ("size", "tiles"),
    [
        (70_000, [Tile(0, 273, 112), Tile(1, 1, 17), Tile(2, 0, 1)]),
        (256, [Tile(1, 0, 1)]),
        (0, []),
        (1, [Tile(0, 0, 1)]),
        (255, [Tile(0, 0, 255)]),
        (65_536, [Tile(2, 0, 1)]),
        (65_537, [Tile(0, 256, 1), Tile(2, 0, 1)]),
    ],
)
def test_it_names_the_partial_tiles_at_the_right_edge(size: int, tiles: list[Tile]) -> None:
    assert edge_tiles(size) == tiles


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**64 - 1))
def test_it_puts_a_partial_tile_of_the_spec_width_at_each_level_that_has_one(size: int) -> None:
    expected = []
    for level in range(9):
        width = size // TILE_WIDTH**level % TILE_WIDTH
        if width:
            expected.append(Tile(level, size // TILE_WIDTH ** (level + 1), width))
    assert edge_tiles(size) == expected


# --- Appending ----------------------------------------------------------------


def test_it_builds_the_spec_tiles_of_a_tree_of_70000_from_scratch() -> None:
    assert extend_tiles(0, {}, leaves(0, SPEC_EXAMPLE_SIZE)) == spec_tiles(SPEC_EXAMPLE_SIZE)


def test_it_builds_the_spec_tiles_of_a_tree_of_70000_in_batches_across_tile_edges() -> None:
    batch_ends = [1, 255, 256, 257, 65_535, 65_536, 65_537, SPEC_EXAMPLE_SIZE]
    assert build_tiles(batch_ends) == spec_tiles(SPEC_EXAMPLE_SIZE)


@st.composite
def batch_splits(draw: st.DrawFn) -> list[int]:
    """The end size of each batch appending up to LARGEST_BATCHED_SIZE leaves."""
    size = draw(st.integers(1, LARGEST_BATCHED_SIZE))
    return sorted({*draw(st.lists(st.integers(1, size), max_size=8)), size})


@settings(max_examples=50, deadline=None)
@given(batch_splits())
def test_it_builds_the_same_tiles_whatever_the_batch_split(batch_ends: list[int]) -> None:
    assert build_tiles(batch_ends) == extend_tiles(0, {}, leaves(0, batch_ends[-1]))


def test_it_returns_only_the_tiles_that_changed() -> None:
    edge = {1: complete_mth(0, 256)}
    assert extend_tiles(256, edge, [leaf(256)]) == {(0, 1): leaf(256)}


def test_it_hashes_a_tile_that_fills_up_into_the_level_above() -> None:
    changed = extend_tiles(255, {0: b"".join(leaves(0, 255))}, [leaf(255)])
    assert changed == {(0, 0): b"".join(leaves(0, 256)), (1, 0): complete_mth(0, 256)}


def test_it_changes_nothing_when_appending_no_leaves() -> None:
    assert extend_tiles(300, {0: b"".join(leaves(256, 300)), 1: complete_mth(0, 256)}, []) == {}


@pytest.mark.parametrize(
    "edge",
    [
        {1: b"x" * 32},
        {0: b"x" * 43 * 32, 1: b"x" * 32},
        {0: b"x" * 45 * 32, 1: b"x" * 32},
        {0: b"x" * (44 * 32 + 1), 1: b"x" * 32},
        {0: b"x" * 44 * 32},
        {0: b"x" * 44 * 32, 1: b""},
        {0: b"x" * 44 * 32, 1: b"x" * 64},
        {0: b"x" * 44 * 32, 1: b"x" * 32, 2: b"x" * 32},
        {0: b"x" * 44 * 32, 1: b"x" * 32, 5: b"x" * 32},
    ],
    ids=lambda edge: "/".join(f"{level}:{len(data)}" for level, data in edge.items()),
)
def test_it_refuses_an_edge_tile_of_the_wrong_size(edge: dict[int, bytes]) -> None:
    with pytest.raises(TileError):
        extend_tiles(300, edge, [leaf(300)])


def test_it_refuses_a_level_0_edge_for_a_tree_ending_on_a_tile_boundary() -> None:
    with pytest.raises(TileError):
        extend_tiles(256, {0: b"".join(leaves(0, 256)), 1: complete_mth(0, 256)}, [leaf(256)])


@pytest.mark.parametrize("length", [0, 31, 33])
def test_it_refuses_a_leaf_hash_that_is_not_32_bytes(length: int) -> None:
    with pytest.raises(TileError):
        extend_tiles(0, {}, [leaf(0), b"x" * length])


# --- Reading hashes from tiles ------------------------------------------------


def test_it_reads_every_complete_subtree_hash_of_a_tree_from_its_tiles() -> None:
    size = 1000
    read = exact_width_reader(spec_tiles(size), size)
    nodes = [Node(level, i) for level in range(10) for i in range(size >> level)]
    expected = [complete_mth(n.index << n.level, (n.index + 1) << n.level) for n in nodes]
    assert read(nodes) == expected


def test_it_reads_each_tile_once_for_a_whole_proof() -> None:
    store = spec_tiles(SPEC_EXAMPLE_SIZE)
    requests: list[list[Tile]] = []

    def read(tiles: Sequence[Tile]) -> list[bytes]:
        requests.append(list(tiles))
        return [store[(t.level, t.index)] for t in tiles]

    inclusion_proof(69_999, SPEC_EXAMPLE_SIZE, TileHashReader(SPEC_EXAMPLE_SIZE, read))
    assert len(requests) == 1
    assert len(set(requests[0])) == len(requests[0])


def test_it_accepts_tile_data_wider_than_asked_for() -> None:
    store = spec_tiles(300)
    read = TileHashReader(260, lambda tiles: [store[(t.level, t.index)] for t in tiles])
    assert read([Node(2, 64)]) == [complete_mth(256, 260)]


def test_it_refuses_to_read_a_node_beyond_the_tree_size() -> None:
    with pytest.raises(TileError):
        exact_width_reader(spec_tiles(300), 300)([Node(2, 75)])


def test_it_refuses_tile_data_shorter_than_the_hashes_it_needs() -> None:
    read = TileHashReader(300, lambda tiles: [leaf(0) * 43 for _ in tiles])
    with pytest.raises(TileError):
        read([Node(0, 299)])


@pytest.mark.parametrize("length", [1, 31, 33, 8191])
def test_it_refuses_to_split_data_that_is_not_whole_hashes(length: int) -> None:
    with pytest.raises(TileError):
        split_hashes(b"x" * length)


# --- Entry bundles ------------------------------------------------------------


def test_it_prefixes_each_entry_with_its_big_endian_uint16_length() -> None:
    assert (
        format_entry_bundle([b"ab", b"", b"c" * 258]) == b"\x00\x02ab\x00\x00\x01\x02" + b"c" * 258
    )


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=TILE_WIDTH))
def test_it_parses_every_formatted_bundle_back_to_its_entries(entries: list[bytes]) -> None:
    assert parse_entry_bundle(format_entry_bundle(entries)) == entries


def test_it_round_trips_an_entry_of_the_largest_uint16_length() -> None:
    entries = [b"a", b"z" * 0xFFFF]
    assert parse_entry_bundle(format_entry_bundle(entries)) == entries


def test_it_refuses_to_format_an_entry_longer_than_a_uint16_length() -> None:
    with pytest.raises(MalformedError):
        format_entry_bundle([b"z" * 0x10000])


@pytest.mark.parametrize("data", [b"\x00", b"\x00\x01a\x00", b"\x00\x01a\x01"])
def test_it_rejects_a_bundle_ending_inside_a_length_prefix(data: bytes) -> None:
    with pytest.raises(MalformedError):
        parse_entry_bundle(data)


@pytest.mark.parametrize(
    "data", [b"\x00\x01", b"\x00\x05abc", b"\x00\x01a\xff\xff" + b"z" * 0xFFFE]
)
def test_it_rejects_a_bundle_ending_inside_an_entry(data: bytes) -> None:
    with pytest.raises(MalformedError):
        parse_entry_bundle(data)


def test_it_rejects_a_bundle_of_more_entries_than_a_tile_holds() -> None:
    with pytest.raises(MalformedError):
        parse_entry_bundle(b"\x00\x00" * (TILE_WIDTH + 1))


def test_it_accepts_a_bundle_as_full_as_a_tile() -> None:
    assert parse_entry_bundle(b"\x00\x00" * TILE_WIDTH) == [b""] * TILE_WIDTH


def test_it_refuses_to_bundle_more_entries_than_a_tile_holds() -> None:
    with pytest.raises(MalformedError):
        format_entry_bundle([b"x"] * 257)


def counting_reader(store: dict[tuple[int, int], bytes]) -> tuple[list[Tile], TileReader]:
    asked: list[Tile] = []

    def read(tiles: Sequence[Tile]) -> list[bytes]:
        asked.extend(tiles)
        return [store[(t.level, t.index)] for t in tiles]

    return asked, read


def test_a_cached_reader_gives_the_same_proofs_and_reads_no_tile_twice() -> None:
    store = spec_tiles(SPEC_EXAMPLE_SIZE)
    asked, read = counting_reader(store)
    cache = TileCache(100)
    plain = TileHashReader(SPEC_EXAMPLE_SIZE, lambda ts: [store[(t.level, t.index)] for t in ts])
    for index in (0, 12_345, 12_346, 69_999, 0):
        cached = TileHashReader(SPEC_EXAMPLE_SIZE, read, cache)
        assert inclusion_proof(index, SPEC_EXAMPLE_SIZE, cached) == inclusion_proof(
            index, SPEC_EXAMPLE_SIZE, plain
        )
    assert len(asked) == len(set(asked))


def test_a_cache_keeps_a_tile_per_width_since_a_wider_tile_has_other_rows() -> None:
    store = spec_tiles(300)
    asked, read = counting_reader(store)
    cache = TileCache(100)
    TileHashReader(260, read, cache)([Node(2, 64)])
    TileHashReader(264, read, cache)([Node(3, 32)])
    assert [t.width for t in asked] == [4, 8]


def test_a_cache_forgets_the_least_recently_used_tile_beyond_its_capacity() -> None:
    cache = TileCache(2)
    a, b, c = Tile(0, 0), Tile(0, 1), Tile(0, 2)
    for tile in (a, b):
        cache.put(tile, [b""])
    cache.get(a)
    cache.put(c, [b""])
    assert cache.get(b) is None
    assert cache.get(a) is not None
    assert cache.get(c) is not None


def test_a_cache_of_no_capacity_keeps_nothing() -> None:
    cache = TileCache(0)
    cache.put(Tile(0, 0), [b""])
    assert cache.get(Tile(0, 0)) is None


def test_the_last_row_of_a_full_tile_is_its_subtree_hash() -> None:
    data = b"".join(leaf(i) for i in range(TILE_WIDTH))
    rows = tile_rows(data)
    assert len(rows) == 9
    assert rows[-1] == complete_mth(0, TILE_WIDTH)
