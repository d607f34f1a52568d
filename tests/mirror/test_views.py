"""The mirror's copy, served read-only as tlog-tiles under /mirror/<hex SHA-256 of origin>/."""

from pathlib import Path

from django.conf import settings
from django.test import Client

from judicial_verify.ledger.read import receipt_get
from judicial_verify.tlog.checkpoint import Checkpoint, origin_hash
from judicial_verify.tlog.follow import checkpoint_verify
from judicial_verify.tlog.policy import parse_policy
from judicial_verify.tlog.receipt import parse_receipt, verify_receipt
from judicial_verify.tlog.tile import ENTRIES_LEVEL, Tile, TileHashReader, tile_width_at
from judicial_verify.tlog.tree import consistency_proof, inclusion_proof, verify_consistency

from .conftest import Grow, Mirror


def mirror_url(path: str) -> str:
    return f"/mirror/{origin_hash(settings.LOG_ORIGIN)}/{path}"


def every_tile(size: int) -> list[Tile]:
    """Every tile and bundle of a tree of `size` leaves, full or partial, and a narrower
    prefix of each (a reader may ask for any width a tile has reached)."""
    tiles = []
    for level in (ENTRIES_LEVEL, 0, 1):
        index = 0
        while (width := tile_width_at(level, index, size)) > 0:
            tiles += [Tile(level, index, width), Tile(level, index, max(1, width // 2))]
            index += 1
    return tiles


def mirror_checkpoint(client: Client, policy: Path) -> Checkpoint:
    """The mirror's checkpoint, verified against the policy."""
    note = client.get(mirror_url("checkpoint")).content
    return checkpoint_verify(note, parse_policy(policy.read_bytes()))[0]


def mirror_tiles(client: Client, size: int) -> TileHashReader:
    """A tlog hash reader over the mirror's copy alone, by its URLs."""
    return TileHashReader(
        size, lambda tiles: [client.get(mirror_url(t.path)).content for t in tiles]
    )


def test_it_serves_every_tile_and_bundle_byte_identical_to_the_log(
    grow: Grow, policy: Path, mirror: Mirror, client: Client
) -> None:
    grow(700)
    mirror(policy)
    assert client.get(mirror_url("checkpoint")).content == client.get("/log/checkpoint").content
    for tile in every_tile(700):
        response = client.get(mirror_url(tile.path))
        assert response.status_code == 200, tile.path
        assert response.content == client.get(f"/log/{tile.path}").content, tile.path


def test_it_lets_full_tiles_be_cached_for_good(
    grow: Grow, policy: Path, mirror: Mirror, client: Client
) -> None:
    grow(300)
    mirror(policy)
    response = client.get(mirror_url("tile/0/000"))
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get(mirror_url("checkpoint"))["Cache-Control"] == "public, max-age=2"


def test_it_answers_404_for_a_tile_beyond_the_copy(
    grow: Grow, policy: Path, mirror: Mirror, client: Client
) -> None:
    grow(300)
    mirror(policy)
    response = client.get(mirror_url("tile/0/001.p/45"))
    assert response.status_code == 404
    assert response.content == b"tile/0/001.p/45 does not exist at tree size 300\n"


def test_it_answers_404_for_a_log_it_does_not_mirror(client: Client, db: None) -> None:
    response = client.get(f"/mirror/{'0' * 64}/checkpoint")
    assert response.status_code == 404
    assert b"holds no log whose origin hashes to" in response.content


def test_it_answers_400_for_a_malformed_tile_path(
    grow: Grow, policy: Path, mirror: Mirror, client: Client
) -> None:
    grow(5)
    mirror(policy)
    assert client.get(mirror_url("tile/0/1")).status_code == 400


def test_it_is_read_only(grow: Grow, policy: Path, mirror: Mirror, client: Client) -> None:
    grow(5)
    mirror(policy)
    assert client.post(mirror_url("checkpoint")).status_code == 405
    assert client.post(mirror_url("tile/entries/000.p/5")).status_code == 405


def test_its_copy_rebuilds_the_proof_of_a_receipt_the_log_made(
    grow: Grow, policy: Path, mirror: Mirror, client: Client
) -> None:
    grow(700)
    receipt = parse_receipt(receipt_get(613).data)
    mirror(policy)
    # From here on nothing of the log is read: the mirror's checkpoint and tiles alone.
    checkpoint = mirror_checkpoint(client, policy)
    assert list(receipt.proof) == inclusion_proof(613, 700, mirror_tiles(client, 700))
    verified = verify_receipt(
        receipt, [], policy=parse_policy(policy.read_bytes()), origin=settings.LOG_ORIGIN
    )
    assert verified.checkpoint == checkpoint


def test_its_copy_shows_an_older_receipt_consistent_with_the_newer_tree(
    grow: Grow, policy: Path, mirror: Mirror, client: Client
) -> None:
    grow(300)
    receipt = parse_receipt(receipt_get(42).data)
    grow(450)
    mirror(policy)
    verified = verify_receipt(receipt, [], policy=parse_policy(policy.read_bytes()))
    newest = mirror_checkpoint(client, policy)
    assert newest.size == 750
    verify_consistency(
        size1=300,
        size2=750,
        proof=consistency_proof(300, 750, mirror_tiles(client, 750)),
        root1=verified.checkpoint.root_hash,
        root2=newest.root_hash,
    )
