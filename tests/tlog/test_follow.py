"""Following a log over tlog-tiles: every byte it serves checked against its entries."""

from collections.abc import Sequence

import pytest

from judicial_verify.tlog.checkpoint import Checkpoint, format_checkpoint
from judicial_verify.tlog.cosignature import format_signature_line
from judicial_verify.tlog.errors import QuorumError, UnknownKeyError
from judicial_verify.tlog.follow import FollowError, Held, catch_up, checkpoint_verify
from judicial_verify.tlog.note import sign_note
from judicial_verify.tlog.policy import parse_policy
from judicial_verify.tlog.tile import (
    ENTRIES_LEVEL,
    TILE_WIDTH,
    Tile,
    edge_tiles,
    extend_tiles,
    format_entry_bundle,
    parse_entry_bundle,
)
from judicial_verify.tlog.tree import EMPTY_ROOT, HASH_SIZE, leaf_hash, root_from_leaves

from .conftest import make_log, new_cosigner, new_key

LOG, LOG_VERIFIER = new_key()
WITNESS, WITNESS_VERIFIER = new_cosigner("witness.example/w1")
TIME = 1_764_876_000
ENTRIES = make_log(1100)

Files = dict[str, bytes]
Store = dict[tuple[int, int], bytes]


def served(entries: Sequence[bytes]) -> Files:
    """What a log of `entries` serves: its checkpoint, every tile and every bundle."""
    leaves = [leaf_hash(e) for e in entries]
    files = {
        Tile(level, index, len(data) // HASH_SIZE).path: data
        for (level, index), data in extend_tiles(0, {}, leaves).items()
    }
    for index in range(0, len(entries), TILE_WIDTH):
        bundle = entries[index : index + TILE_WIDTH]
        files[Tile(ENTRIES_LEVEL, index // TILE_WIDTH, len(bundle)).path] = format_entry_bundle(
            bundle
        )
    body = Checkpoint(LOG.name, len(entries), root_from_leaves(leaves))
    files["checkpoint"] = sign_note(format_checkpoint(body), [LOG])
    return files


def checkpoint_of(entries: Sequence[bytes]) -> Checkpoint:
    return Checkpoint(LOG.name, len(entries), root_from_leaves([leaf_hash(e) for e in entries]))


EMPTY = Held(size=0, root_hash=EMPTY_ROOT, edge={}, tail=())


def follow(files: Files, held: Held, checkpoint: Checkpoint, store: Store | None = None) -> Store:
    """Catches up as a mirror would, two bundles a chunk; returns what it would store."""
    store = dict(store or {})
    for chunk in catch_up(
        fetch=lambda paths: [files[p] for p in paths],
        held=held,
        checkpoint=checkpoint,
        chunk_bundles=2,
    ):
        store.update({(ENTRIES_LEVEL, i): data for i, data in chunk.bundles.items()})
        store.update(chunk.tiles)
    return store


def held_from(store: Store, entries: Sequence[bytes]) -> Held:
    size = len(entries)
    tail = parse_entry_bundle(store.get((ENTRIES_LEVEL, size // TILE_WIDTH), b""))
    edge = {t.level: store[(t.level, t.index)] for t in edge_tiles(size)}
    return Held(size=size, root_hash=checkpoint_of(entries).root_hash, edge=edge, tail=tail)


def as_files(store: Store) -> Files:
    files = {}
    for (level, index), data in store.items():
        width = len(parse_entry_bundle(data)) if level == ENTRIES_LEVEL else len(data) // 32
        files[Tile(level, index, width).path] = data
    return files


def rewritten(entries: Sequence[bytes], index: int) -> list[bytes]:
    changed = list(entries)
    changed[index] = make_log(index + 2000)[-1]
    return changed


def test_it_rebuilds_every_tile_and_bundle_the_log_serves() -> None:
    files = served(ENTRIES)
    store = follow(files, EMPTY, checkpoint_of(ENTRIES))
    assert as_files(store) == {p: d for p, d in files.items() if p != "checkpoint"}


def test_it_catches_up_from_the_middle_of_a_bundle_as_from_empty() -> None:
    first = follow(served(ENTRIES[:300]), EMPTY, checkpoint_of(ENTRIES[:300]))
    grown = follow(served(ENTRIES), held_from(first, ENTRIES[:300]), checkpoint_of(ENTRIES), first)
    assert grown == follow(served(ENTRIES), EMPTY, checkpoint_of(ENTRIES))


def test_it_accepts_the_same_checkpoint_again_with_nothing_to_store() -> None:
    first = follow(served(ENTRIES[:300]), EMPTY, checkpoint_of(ENTRIES[:300]))
    held = held_from(first, ENTRIES[:300])
    files = served(ENTRIES[:300])
    chunks = catch_up(
        fetch=lambda paths: [files[p] for p in paths],
        held=held,
        checkpoint=checkpoint_of(ENTRIES[:300]),
    )
    assert list(chunks) == []


def test_it_names_an_entry_of_its_partial_bundle_the_log_rewrote() -> None:
    first = follow(served(ENTRIES[:300]), EMPTY, checkpoint_of(ENTRIES[:300]))
    forked = rewritten(ENTRIES, 260)
    with pytest.raises(FollowError, match=r"entry 260 in tile/entries/001 was rewritten"):
        follow(served(forked), held_from(first, ENTRIES[:300]), checkpoint_of(forked), first)


def test_it_names_a_fork_that_rewrote_an_entry_it_does_not_fetch_again() -> None:
    first = follow(served(ENTRIES[:300]), EMPTY, checkpoint_of(ENTRIES[:300]))
    forked = rewritten(ENTRIES, 10)
    with pytest.raises(FollowError, match=r"^fork: the log signed a tree of size 1100"):
        follow(served(forked), held_from(first, ENTRIES[:300]), checkpoint_of(forked), first)


def test_it_names_a_fork_of_the_size_it_holds() -> None:
    first = follow(served(ENTRIES[:300]), EMPTY, checkpoint_of(ENTRIES[:300]))
    forked = rewritten(ENTRIES[:300], 10)
    with pytest.raises(FollowError, match=r"^fork: the log signed a tree of the same size"):
        follow(as_files(first), held_from(first, ENTRIES[:300]), checkpoint_of(forked), first)


def test_it_names_a_served_tile_that_does_not_match_its_entries() -> None:
    files = served(ENTRIES)
    files["tile/0/001"] = bytes(32) + files["tile/0/001"][32:]
    with pytest.raises(FollowError, match=r"tile tile/0/001 served by the log does not match"):
        follow(files, EMPTY, checkpoint_of(ENTRIES))


def test_it_names_a_served_partial_tile_that_does_not_match_its_entries() -> None:
    files = served(ENTRIES)
    files["tile/0/004.p/76"] = bytes(32) + files["tile/0/004.p/76"][32:]
    with pytest.raises(FollowError, match=r"tile tile/0/004.p/76 served by the log"):
        follow(files, EMPTY, checkpoint_of(ENTRIES))


def test_it_names_a_bundle_of_the_wrong_width() -> None:
    files = served(ENTRIES)
    files["tile/entries/004.p/76"] = format_entry_bundle(ENTRIES[1024:1099])
    with pytest.raises(FollowError, match=r"tile/entries/004.p/76 holds 75 entries, not 76"):
        follow(files, EMPTY, checkpoint_of(ENTRIES))


def test_it_refuses_a_checkpoint_smaller_than_the_tree_it_holds() -> None:
    first = follow(served(ENTRIES[:300]), EMPTY, checkpoint_of(ENTRIES[:300]))
    with pytest.raises(FollowError, match=r"size 200, smaller than the size 300.*rolled back"):
        follow(served(ENTRIES[:200]), held_from(first, ENTRIES[:300]), checkpoint_of(ENTRIES[:200]))


def one_witness_policy() -> bytes:
    return (f"log {LOG.verifier_key}\nwitness w1 {WITNESS.verifier_key}\nquorum w1\n").encode()


def test_it_accepts_a_checkpoint_the_policy_quorum_cosigned() -> None:
    note = served(ENTRIES[:5])["checkpoint"]
    text = note[: note.rindex(b"\n\n") + 1].decode()
    cosigned = note + format_signature_line(WITNESS.cosign(text, TIME)).encode()
    checkpoint, _ = checkpoint_verify(cosigned, parse_policy(one_witness_policy()))
    assert checkpoint == checkpoint_of(ENTRIES[:5])


def test_it_refuses_a_checkpoint_without_the_policy_quorum() -> None:
    note = served(ENTRIES[:5])["checkpoint"]
    with pytest.raises(QuorumError, match=r"requires valid cosignatures by w1; none found"):
        checkpoint_verify(note, parse_policy(one_witness_policy()))


def test_it_refuses_a_checkpoint_by_a_key_not_in_the_policy() -> None:
    other, _ = new_key()
    note = sign_note(format_checkpoint(checkpoint_of(ENTRIES[:5])), [other])
    with pytest.raises(UnknownKeyError):
        checkpoint_verify(note, parse_policy(f"log {LOG.verifier_key}\nquorum none\n".encode()))


def test_it_refuses_a_checkpoint_signed_under_another_origin() -> None:
    body = Checkpoint("other.example/log", 5, checkpoint_of(ENTRIES[:5]).root_hash)
    note = sign_note(format_checkpoint(body), [LOG])
    with pytest.raises(FollowError, match=r"origin other.example/log is signed only by"):
        checkpoint_verify(note, parse_policy(f"log {LOG.verifier_key}\nquorum none\n".encode()))
