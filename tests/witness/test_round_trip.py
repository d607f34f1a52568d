"""This project's log, cosigned by this project's witness, through HTTP, as an alliance runs it.

The log is built by the real integrator and signs with its own key; the
consistency proofs come from the ledger's read path; the witness trusts the
log's verifier key; the cosignatures verify with the witness's verifier key.
"""

import pytest
from django.test import Client

from judicial_verify.ledger.keys import log_signer
from judicial_verify.ledger.read import checkpoint_latest, consistency_proof_roots
from judicial_verify.ledger.submit import entries_submit
from judicial_verify.tlog.cosignature import (
    AddCheckpoint,
    CosignatureVerifier,
    format_add_checkpoint,
    verify_cosignatures,
)
from judicial_verify.tlog.note import Verifier, open_note
from judicial_verify.witness.keys import witness_cosigner
from judicial_verify.witness.services import log_trust
from tests.ledger.conftest import document_entry
from tests.publishing import integrate_and_publish

from .conftest import post

pytestmark = pytest.mark.django_db


def grow(count: int, start: int) -> tuple[int, bytes]:
    """Anchors `count` documents, integrates them; returns the new size and its signed note."""
    entries_submit(entries=[document_entry(start + i) for i in range(count)])
    integrate_and_publish()
    checkpoint = checkpoint_latest()
    return checkpoint.size, bytes(checkpoint.note)


def test_the_witness_cosigns_the_log_as_it_grows(client: Client) -> None:
    log_trust(vkey=log_signer().verifier_key)
    witness = CosignatureVerifier(witness_cosigner().verifier_key)
    log_key = Verifier(log_signer().verifier_key)
    old = 0
    for count in (1, 6, 1, 25):
        size, note = grow(count, start=old)
        proof = consistency_proof_roots(old, size).hashes if old else ()
        status, _, answer = post(client, format_add_checkpoint(AddCheckpoint(old, proof, note)))
        assert status == 200, answer
        opened = open_note(note + answer, [log_key])
        assert len(verify_cosignatures(opened.text, opened.unverified_sigs, [witness])) == 1
        old = size
    assert old == 33


def test_the_witness_refuses_the_logs_checkpoint_with_a_proof_from_another_size(
    client: Client,
) -> None:
    log_trust(vkey=log_signer().verifier_key)
    size, note = grow(4, start=0)
    assert post(client, format_add_checkpoint(AddCheckpoint(0, (), note)))[0] == 200
    size, note = grow(4, start=4)
    proof = consistency_proof_roots(2, size).hashes
    assert post(client, format_add_checkpoint(AddCheckpoint(4, proof, note)))[0] == 422
