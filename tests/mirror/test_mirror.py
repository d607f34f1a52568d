"""manage.py mirror: a verified copy of a log, refused on any inconsistency."""

import io
import types
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from pytest_django.live_server_helper import LiveServer

from judicial_verify.ledger.keys import log_key_rotate, log_signer
from judicial_verify.ledger.models import Entry, Tile
from judicial_verify.ledger.publish import checkpoint_refresh
from judicial_verify.ledger.sign import checkpoint_sign
from judicial_verify.ledger.tile_store import TILE_CACHE, tiles_write
from judicial_verify.mirror.models import MirrorCheckpoint, MirroredLog, MirrorTile
from judicial_verify.tlog.cosignature import generate_cosigner_key
from judicial_verify.tlog.note import generate_signer_key
from judicial_verify.tlog.tile import extend_tiles
from judicial_verify.tlog.tree import leaf_hash, root_from_leaves
from tests.ledger.tamper import flip_byte, guards_lifted

from .conftest import Grow, Mirror


def held() -> tuple[int, int]:
    """What the mirror stores: (checkpoints, tiles and bundles)."""
    return MirrorCheckpoint.objects.count(), MirrorTile.objects.count()


def test_it_catches_up_from_empty(grow: Grow, policy: Path, mirror: Mirror) -> None:
    grow(700)
    out = mirror(policy)
    assert "caught up from 0 to 700 entries" in out
    log = MirroredLog.objects.get()
    assert [c.size for c in log.checkpoints.all()] == [700]
    assert f"/mirror/{log.origin_hash}/" in out


def test_it_catches_up_again_after_more_entries(grow: Grow, policy: Path, mirror: Mirror) -> None:
    grow(300)
    mirror(policy)
    grow(450)
    assert "caught up from 300 to 750 entries" in mirror(policy)
    assert [c.size for c in MirrorCheckpoint.objects.order_by("id")] == [300, 750]


def test_it_stores_nothing_new_when_the_log_did_not_grow(
    grow: Grow, policy: Path, mirror: Mirror
) -> None:
    grow(300)
    mirror(policy)
    before = held()
    assert mirror(policy) == ""
    assert held() == before


def test_it_keeps_the_same_tree_signed_again_as_the_log_serves_it(
    grow: Grow, policy: Path, mirror: Mirror, client: Client
) -> None:
    grow(300)
    mirror(policy)
    log_key_rotate()
    checkpoint_refresh()
    policy.write_text(f"log {log_signer().verifier_key}\n{policy.read_text()}")
    mirror(policy)
    assert [c.size for c in MirrorCheckpoint.objects.all()] == [300, 300]
    log = MirroredLog.objects.get()
    served = client.get(f"/mirror/{log.origin_hash}/checkpoint").content
    assert served == client.get("/log/checkpoint").content


def test_it_follows_round_after_round_until_an_inconsistency(
    grow: Grow, policy: Path, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    grow(300)
    rounds = []

    def between_rounds(seconds: float) -> None:
        # The log grows after the first round, and forks after the second.
        rounds.append(seconds)
        if len(rounds) == 1:
            grow(100)
        else:
            checkpoint_sign(size=400, root_hash=root_from_leaves([leaf_hash(b"another tree")]))

    # The command's own clock only: the log's publisher sleeps too.
    monkeypatch.setattr(
        "judicial_verify.mirror.management.commands.mirror.time",
        types.SimpleNamespace(sleep=between_rounds),
    )
    url = live_server.url + "/log/"
    with pytest.raises(CommandError, match=r"fork: the log signed a tree of the same size"):
        call_command(
            "mirror", url, "--policy", str(policy), "--interval", "0.5", stdout=io.StringIO()
        )
    assert rounds == [0.5, 0.5]
    assert [c.size for c in MirrorCheckpoint.objects.order_by("id")] == [300, 400]


def test_it_stops_on_a_fork_of_the_same_size(grow: Grow, policy: Path, mirror: Mirror) -> None:
    grow(300)
    mirror(policy)
    before = held()
    checkpoint_sign(size=300, root_hash=root_from_leaves([leaf_hash(b"another tree")]))
    with pytest.raises(CommandError, match=r"fork: the log signed a tree of the same size"):
        mirror(policy)
    assert held() == before


def test_it_stops_on_a_fork_that_rewrote_an_entry_it_holds(
    grow: Grow, policy: Path, mirror: Mirror
) -> None:
    grow(300)
    mirror(policy)
    before = held()
    # The operator rewrites entry 10, rebuilds every tile from the entries and signs that
    # tree, then goes on appending: a log consistent in itself, but not with its past.
    entry = Entry.objects.get(index=10)
    with guards_lifted("ledger_entry"), guards_lifted("ledger_tile"):
        Entry.objects.filter(index=10).update(data=flip_byte(bytes(entry.data), 30))
        leaves = [
            leaf_hash(bytes(d))
            for d in Entry.objects.order_by("index").values_list("data", flat=True)
        ]
        Tile.objects.all().delete()
        tiles_write(extend_tiles(0, {}, leaves))
    TILE_CACHE.clear()  # as the operator's processes, restarted on the rewritten database
    checkpoint_refresh()
    grow(200)
    with pytest.raises(CommandError, match=r"fork: the log signed a tree of size 500"):
        mirror(policy)
    assert held() == before


def test_it_stops_on_a_rewritten_entry_naming_it(grow: Grow, policy: Path, mirror: Mirror) -> None:
    grow(300)
    mirror(policy)
    before = held()
    entry = Entry.objects.get(index=260)
    with guards_lifted("ledger_entry"):
        Entry.objects.filter(index=260).update(data=flip_byte(bytes(entry.data), 30))
    grow(10)
    with pytest.raises(CommandError, match=r"entry 260 in tile/entries/001.p/54 was rewritten"):
        mirror(policy)
    assert held() == before


def test_it_stops_on_a_tile_that_does_not_match_its_entries(
    grow: Grow, policy: Path, mirror: Mirror
) -> None:
    grow(700)
    tile = Tile.objects.get(level=0, index=1)
    with guards_lifted("ledger_tile"):
        Tile.objects.filter(pk=tile.pk).update(data=flip_byte(bytes(tile.data), 100))
    with pytest.raises(CommandError, match=r"tile tile/0/001 served by the log does not match"):
        mirror(policy)
    assert held() == (0, 0)


def test_it_refuses_a_checkpoint_without_the_policy_quorum(
    grow: Grow, policy: Path, mirror: Mirror
) -> None:
    grow(5)
    witness = generate_cosigner_key("notary.example/witness")[1]
    policy.write_text(policy.read_text().replace("quorum none", f"witness w {witness}\nquorum w"))
    with pytest.raises(CommandError, match=r"requires valid cosignatures by w; none found"):
        mirror(policy)
    assert held() == (0, 0)


def test_it_refuses_a_checkpoint_of_a_key_not_in_the_policy(
    grow: Grow, tmp_path: Path, mirror: Mirror
) -> None:
    grow(5)
    other = tmp_path / "other.policy"
    other.write_text(
        f"log {generate_signer_key('judicial-verify.localhost/log')[1]}\nquorum none\n"
    )
    with pytest.raises(CommandError, match=r"not signed by any key given"):
        mirror(other)
    assert held() == (0, 0)


def test_it_names_a_log_it_cannot_reach(tmp_path: Path, policy: Path) -> None:
    with pytest.raises(CommandError, match=r"GET http://127.0.0.1:9/checkpoint failed"):
        call_command("mirror", "http://127.0.0.1:9/", "--policy", str(policy), "--once")


def test_it_names_a_policy_it_cannot_parse(tmp_path: Path, mirror: Mirror) -> None:
    bad = tmp_path / "bad.policy"
    bad.write_text("quorum somebody\n")
    with pytest.raises(CommandError, match=r"bad.policy: policy line 1: the quorum names somebody"):
        mirror(bad)
