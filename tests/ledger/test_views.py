from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.test import Client

from judicial_verify.ledger import models, read, tile_store
from judicial_verify.ledger.keys import log_key_rotate, log_signer
from judicial_verify.ledger.publish import checkpoint_refresh
from judicial_verify.ledger.urls import TILE_PATH_MAX
from judicial_verify.tlog.cosignature import generate_cosigner_key
from judicial_verify.tlog.key_list import ListedKey, parse_key_list
from judicial_verify.tlog.note import Verifier
from judicial_verify.tlog.tile import ENTRIES_LEVEL, TILE_WIDTH, Tile, parse_entry_bundle

from .tamper import guards_lifted

pytestmark = pytest.mark.django_db

Grow = Callable[..., int]


def test_it_serves_the_checkpoint_as_mutable_text(client: Client, grow: Grow) -> None:
    grow(3)
    response = client.get("/log/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=2"
    assert response.content == bytes(read.checkpoint_latest().note)


def test_it_answers_404_before_any_checkpoint(client: Client) -> None:
    response = client.get("/log/checkpoint")
    assert response.status_code == 404
    assert b"not signed a checkpoint" in response.content


def test_it_serves_full_and_partial_tiles_as_immutable_bytes(client: Client, grow: Grow) -> None:
    grow(300)
    full = client.get("/log/tile/0/000")
    partial = client.get("/log/tile/0/001.p/44")
    assert full.status_code == partial.status_code == 200
    assert full["Content-Type"] == "application/octet-stream"
    assert (
        full["Cache-Control"] == partial["Cache-Control"] == "public, max-age=31536000, immutable"
    )
    assert len(full.content) == 256 * 32
    assert len(partial.content) == 44 * 32


def test_it_serves_entry_bundles_gzipped_on_request(client: Client, grow: Grow) -> None:
    grow(300)
    plain = client.get("/log/tile/entries/001.p/44")
    gzipped = client.get("/log/tile/entries/001.p/44", headers={"accept-encoding": "gzip"})
    assert len(parse_entry_bundle(plain.content)) == 44
    assert gzipped["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/1",
        "tile/00/000",
        "tile/0/x000/001",
        "tile/0/000.p/256",
        "tile/0/000.p/0",
        "tile/64/000",
        "tile/0/000/",
        "tile/x/000",
        "tile/0/000.p/01",
        "tile/entries/abc",
    ],
)
def test_it_rejects_malformed_tile_paths_with_400(client: Client, grow: Grow, path: str) -> None:
    grow(1)
    response = client.get(f"/log/{path}")
    assert response.status_code == 400
    assert response["Cache-Control"] == "no-store"
    assert b"tile" in response.content


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/000",
        "tile/0/000.p/4",
        "tile/1/000.p/1",
        "tile/0/001.p/1",
        "tile/entries/000.p/4",
        "tile/entries/x999/999",
    ],
)
def test_it_answers_404_for_tiles_the_tree_does_not_have(
    client: Client, grow: Grow, path: str
) -> None:
    grow(3)
    assert client.get(f"/log/{path}").status_code == 404


def test_it_refuses_to_change_anything_over_http(client: Client, grow: Grow) -> None:
    grow(3)
    for path in ("/log/checkpoint", "/log/tile/0/000.p/3", "/log/key"):
        assert client.post(path).status_code == 405
        assert client.delete(path).status_code == 405


def test_it_publishes_the_current_key_and_every_old_one(client: Client, grow: Grow) -> None:
    grow(2)
    old = log_signer().verifier_key
    new = log_key_rotate().verifier_key
    checkpoint_refresh()
    assert client.get("/log/key").content.decode() == f"{new}\n"
    assert client.get("/log/keys").content.decode().splitlines() == [new, f"{old} retired 2"]


def test_the_key_list_says_each_retired_key_s_last_size_in_the_tlog_key_list_format(
    client: Client, grow: Grow
) -> None:
    grow(2)
    first = log_signer().verifier_key
    second = log_key_rotate().verifier_key
    checkpoint_refresh()
    grow(3)
    third = log_key_rotate().verifier_key
    checkpoint_refresh()
    response = client.get("/log/keys")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="log.keys"'
    assert parse_key_list(response.content.decode()) == [
        ListedKey(Verifier(third)),
        ListedKey(Verifier(second), 5),
        ListedKey(Verifier(first), 2),
    ]


def test_the_key_list_says_a_key_is_retired_before_the_new_key_signs(
    client: Client, grow: Grow
) -> None:
    # Read once, kept by the process; a retirement alone (no new checkpoint yet) changes it.
    grow(2)
    old = log_signer().verifier_key
    assert client.get("/log/keys").content.decode() == f"{old}\n"
    log_key_rotate()
    assert f"{old} retired 2\n" in client.get("/log/keys").content.decode()


def test_it_answers_404_for_a_tile_path_longer_than_any_tile_s(client: Client, grow: Grow) -> None:
    grow(1)
    # Thousands of digit groups: more digits than Python turns into an int.
    path = "tile/0/" + "x000/" * 1500 + "000"
    assert client.get(f"/log/{path}").status_code == 404


def test_it_still_parses_the_longest_tile_path_of_a_log_of_2_to_the_64_entries(
    client: Client, grow: Grow
) -> None:
    grow(1)
    last = Tile(ENTRIES_LEVEL, (2**64 - 1) // TILE_WIDTH, TILE_WIDTH - 1)
    assert len(last.path) <= TILE_PATH_MAX
    response = client.get(f"/log/{last.path}")
    assert response.status_code == 404
    assert response["Cache-Control"] == "no-store"  # the tile view's answer: no such tile


def test_a_tile_shorter_than_the_checkpoint_needs_is_a_503(client: Client, grow: Grow) -> None:
    grow(20)
    tile = models.Tile.objects.get(level=0, index=0)
    with guards_lifted("ledger_tile"):
        models.Tile.objects.filter(pk=tile.pk).update(data=bytes(tile.data)[: 10 * 32])
    tile_store.TILE_CACHE.clear()
    assert client.get("/log/tile/0/000.p/20").status_code == 503


def test_it_serves_the_witness_policy_byte_for_byte(
    client: Client, settings: LazySettings, tmp_path: Path
) -> None:
    # Comments and names with the high bit set are the file's own: served as they are.
    witness = generate_cosigner_key("notary.example/witness")[1]
    text = (
        f"# 本院见证策略\nlog {log_signer().verifier_key}\n"
        f"witness 公证处 {witness} https://notary.example/witness\nquorum 公证处\n"
    ).encode()
    (tmp_path / "log.policy").write_bytes(text)
    settings.WITNESS_POLICY = tmp_path / "log.policy"
    response = client.get("/log/policy")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=2"
    assert response["Content-Disposition"] == 'inline; filename="log.policy"'
    assert response.content == text
    assert client.post("/log/policy").status_code == 405


def test_it_answers_404_for_the_policy_of_a_log_without_witnesses(client: Client) -> None:
    response = client.get("/log/policy")
    assert response.status_code == 404
    assert response.content == b"this log has no witness policy (quorum none)\n"
