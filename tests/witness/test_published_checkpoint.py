"""GET /witness/<sha256 of origin>/checkpoint: what the witness last cosigned, for anyone."""

import hashlib

import pytest
from django.test import Client

from judicial_verify.tlog.checkpoint import parse_checkpoint
from judicial_verify.tlog.cosignature import CosignatureVerifier, verify_cosignatures
from judicial_verify.tlog.note import Verifier, open_note
from judicial_verify.witness.keys import witness_cosigner
from judicial_verify.witness.services import log_trust

from .conftest import MemoryLog, post

pytestmark = pytest.mark.django_db


def url(origin: str) -> str:
    return f"/witness/{hashlib.sha256(origin.encode()).hexdigest()}/checkpoint"


@pytest.fixture
def log() -> MemoryLog:
    log = MemoryLog()
    log_trust(vkey=log.vkey)
    return log


def test_it_serves_the_latest_cosigned_checkpoint_with_both_signatures(
    client: Client, log: MemoryLog
) -> None:
    post(client, log.request(0, 2))
    post(client, log.request(2, 5))
    response = client.get(url(log.origin))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    note = open_note(response.content, [Verifier(log.vkey)])
    checkpoint = parse_checkpoint(note.text)
    assert (checkpoint.origin, checkpoint.size, checkpoint.root_hash) == (
        log.origin,
        5,
        log.root(5),
    )
    witness = CosignatureVerifier(witness_cosigner().verifier_key)
    assert len(verify_cosignatures(note.text, note.unverified_sigs, [witness])) == 1


def test_it_serves_the_cosignature_it_answered(client: Client, log: MemoryLog) -> None:
    _, _, answer = post(client, log.request(0, 2))
    assert client.get(url(log.origin)).content.endswith(answer)


def test_a_log_never_cosigned_is_not_found(client: Client, log: MemoryLog) -> None:
    assert client.get(url(log.origin)).status_code == 404


def test_an_unknown_origin_hash_is_not_found(client: Client) -> None:
    assert client.get(url("stranger.example/log")).status_code == 404


@pytest.mark.parametrize("path", ["/witness/ABCDEF/checkpoint", "/witness/checkpoint"])
def test_a_malformed_origin_hash_is_not_found(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_it_only_reads(client: Client, log: MemoryLog) -> None:
    post(client, log.request(0, 1))
    assert client.post(url(log.origin)).status_code == 405
