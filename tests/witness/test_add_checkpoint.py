"""POST /witness/add-checkpoint answers as C2SP tlog-witness v1 says, and keeps what it cosigned."""

import hashlib
import random
import time

import pytest
from django.test import Client

from judicial_verify.tlog.checkpoint import Checkpoint, format_checkpoint
from judicial_verify.tlog.cosignature import (
    AddCheckpoint,
    CosignatureVerifier,
    format_add_checkpoint,
    parse_signature_lines,
    verify_cosignatures,
)
from judicial_verify.tlog.note import Signer, Verifier, generate_signer_key, open_note, sign_note
from judicial_verify.tlog.tree import EMPTY_ROOT
from judicial_verify.witness.keys import witness_cosigner
from judicial_verify.witness.models import WitnessedLog
from judicial_verify.witness.services import log_trust

from .conftest import ADD_CHECKPOINT, WITNESS_NAME, MemoryLog, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def log() -> MemoryLog:
    log = MemoryLog()
    log_trust(vkey=log.vkey)
    return log


def stored(log: MemoryLog) -> tuple[int, bytes]:
    row = WitnessedLog.objects.get(origin=log.origin)
    return row.size, bytes(row.root_hash)


def witness_verifier() -> CosignatureVerifier:
    return CosignatureVerifier(witness_cosigner().verifier_key)


# --- 200 --------------------------------------------------------------------


def test_it_answers_one_cosignature_line_by_its_key(client: Client, log: MemoryLog) -> None:
    status, content_type, answer = post(client, log.request(0, 3))
    assert status == 200
    assert content_type == "text/plain; charset=utf-8"
    [line] = parse_signature_lines(answer)
    assert (line.name, line.key_id) == (WITNESS_NAME, witness_cosigner().key_id)


def test_its_cosignature_verifies_over_the_checkpoint_with_the_time_of_signing(
    client: Client, log: MemoryLog
) -> None:
    before = int(time.time())
    _, _, answer = post(client, log.request(0, 3))
    note = open_note(log.checkpoint(3) + answer, [Verifier(log.vkey)])
    [cosignature] = verify_cosignatures(note.text, note.unverified_sigs, [witness_verifier()])
    assert before <= cosignature.timestamp <= int(time.time())


def test_it_records_the_cosigned_size_and_root(client: Client, log: MemoryLog) -> None:
    post(client, log.request(0, 3))
    assert stored(log) == (3, log.root(3))


def test_it_cosigns_the_same_checkpoint_again(client: Client, log: MemoryLog) -> None:
    assert post(client, log.request(0, 3))[0] == 200
    assert post(client, log.request(3, 3))[0] == 200
    assert stored(log) == (3, log.root(3))


def test_it_cosigns_an_empty_tree(client: Client, log: MemoryLog) -> None:
    assert post(client, log.request(0, 0))[0] == 200
    assert stored(log) == (0, EMPTY_ROOT)


def test_it_ignores_signatures_by_keys_it_does_not_know(client: Client, log: MemoryLog) -> None:
    log.grow(2)
    stranger = Signer(generate_signer_key("stranger.example/key")[0])
    note = log.checkpoint(2, signers=[stranger, log.signer])
    assert post(client, format_add_checkpoint(AddCheckpoint(0, (), note)))[0] == 200


def test_it_accepts_a_checkpoint_signed_by_any_trusted_key_of_the_log(
    client: Client, log: MemoryLog
) -> None:
    second = Signer(generate_signer_key(log.origin)[0])
    log_trust(vkey=second.verifier_key)
    log.grow(2)
    note = log.checkpoint(2, signers=[second])
    assert post(client, format_add_checkpoint(AddCheckpoint(0, (), note)))[0] == 200


def test_it_keeps_extension_lines_in_what_it_cosigns(client: Client, log: MemoryLog) -> None:
    log.grow(1)
    text = format_checkpoint(Checkpoint(log.origin, 1, log.root(1), ("extension line",)))
    note = sign_note(text, [log.signer])
    _, _, answer = post(client, format_add_checkpoint(AddCheckpoint(0, (), note)))
    [cosignature] = verify_cosignatures(text, parse_signature_lines(answer), [witness_verifier()])
    assert cosignature.name == WITNESS_NAME


# --- refusals ----------------------------------------------------------------


def test_a_log_it_does_not_witness_is_not_found(client: Client) -> None:
    stranger = MemoryLog(origin="stranger.example/log")
    status, _, _ = post(client, stranger.request(0, 1))
    assert status == 404


def test_a_checkpoint_signed_only_by_another_key_is_forbidden(
    client: Client, log: MemoryLog
) -> None:
    log.grow(1)
    impostor = Signer(generate_signer_key(log.origin)[0])
    note = log.checkpoint(1, signers=[impostor])
    assert post(client, format_add_checkpoint(AddCheckpoint(0, (), note)))[0] == 403
    assert stored(log) == (0, EMPTY_ROOT)


def test_a_checkpoint_with_a_failing_signature_by_its_key_is_forbidden(
    client: Client, log: MemoryLog
) -> None:
    log.grow(1)
    note = log.checkpoint(1).replace(b"\n1\n", b"\n2\n", 1)
    assert post(client, format_add_checkpoint(AddCheckpoint(0, (), note)))[0] == 403


def test_an_unsigned_checkpoint_is_forbidden(client: Client, log: MemoryLog) -> None:
    log.grow(1)
    text = format_checkpoint(Checkpoint(log.origin, 1, log.root(1))).encode()
    assert post(client, format_add_checkpoint(AddCheckpoint(0, (), text)))[0] == 403


def test_an_old_size_beyond_the_checkpoint_is_a_bad_request(client: Client, log: MemoryLog) -> None:
    post(client, log.request(0, 5))
    request = AddCheckpoint(5, (), log.checkpoint(3))
    assert post(client, format_add_checkpoint(request))[0] == 400
    assert stored(log) == (5, log.root(5))


def test_a_checkpoint_going_back_in_size_is_refused(client: Client, log: MemoryLog) -> None:
    post(client, log.request(0, 5))
    status, content_type, answer = post(client, log.request(2, 3))
    assert (status, content_type, answer) == (409, "text/x.tlog.size", b"5\n")
    assert stored(log) == (5, log.root(5))


def test_an_old_size_other_than_the_cosigned_one_is_a_conflict_naming_it(
    client: Client, log: MemoryLog
) -> None:
    post(client, log.request(0, 3))
    status, content_type, answer = post(client, log.request(2, 6))
    assert (status, content_type, answer) == (409, "text/x.tlog.size", b"3\n")


def test_a_log_never_cosigned_is_at_size_0(client: Client, log: MemoryLog) -> None:
    status, _, answer = post(client, log.request(2, 6))
    assert (status, answer) == (409, b"0\n")


def test_a_fork_is_refused(client: Client, log: MemoryLog) -> None:
    post(client, log.request(0, 3))
    fork = MemoryLog(origin=log.origin)
    fork.signer = log.signer
    fork.leaves = [b"\x00" * 32, *log.leaves[1:3]]
    assert post(client, fork.request(3, 5))[0] == 422
    assert stored(log) == (3, log.root(3))


def test_another_root_at_the_same_size_is_refused(client: Client, log: MemoryLog) -> None:
    post(client, log.request(0, 3))
    request = AddCheckpoint(3, (), log.checkpoint(3, root=bytes(32)))
    assert post(client, format_add_checkpoint(request))[0] == 422


def test_a_consistency_proof_from_size_0_must_be_empty(client: Client, log: MemoryLog) -> None:
    log.grow(3)
    request = AddCheckpoint(0, log.proof(1, 3), log.checkpoint(3))
    assert post(client, format_add_checkpoint(request))[0] == 422


def test_an_empty_tree_must_have_the_empty_root(client: Client, log: MemoryLog) -> None:
    request = AddCheckpoint(0, (), log.checkpoint(0, root=bytes(32)))
    assert post(client, format_add_checkpoint(request))[0] == 422


def test_a_consistency_proof_that_does_not_verify_is_refused(
    client: Client, log: MemoryLog
) -> None:
    post(client, log.request(0, 3))
    log.grow(7)
    proof = list(log.proof(3, 7))
    proof[-1] = bytes(32)
    request = AddCheckpoint(3, tuple(proof), log.checkpoint(7))
    assert post(client, format_add_checkpoint(request))[0] == 422
    assert stored(log) == (3, log.root(3))


def test_a_refused_request_leaves_the_published_checkpoint_unchanged(
    client: Client, log: MemoryLog
) -> None:
    post(client, log.request(0, 3))
    url = f"/witness/{hashlib.sha256(log.origin.encode()).hexdigest()}/checkpoint"
    before = client.get(url).content
    post(client, log.request(2, 4))
    post(client, format_add_checkpoint(AddCheckpoint(3, (), log.checkpoint(3, root=bytes(32)))))
    assert client.get(url).content == before


# --- malformed input is a 4xx, never a 500 ----------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\n\n",
        b"old 0",
        b"old 0\n\n",
        b"old 0\n\n\n",
        b"old x\n\ncourt.example/log\n1\n",
        b"old 0\n\ncourt.example/log\n1\nAAAA\n\n",
        b"old 0\n\ncourt.example/log\nnot a size\n",
        b"old 0\n\n\xff\xfe\n",
        b"\x00" * 100,
        b"old 0\n\ncourt.example/log\x00\n1\nAAAA\n\n",
        "old 0\n\ncourt.example/log\n1\n\n— court.example/log \u0000\n".encode(),
        b"old 0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n",
        b"old 99999999999999999999\n\ncourt.example/log\n",
    ],
)
def test_a_malformed_body_is_a_client_error(client: Client, log: MemoryLog, body: bytes) -> None:
    status, _, _ = post(client, body)
    assert 400 <= status < 500


def test_a_checkpoint_signed_by_the_log_but_malformed_is_a_bad_request(
    client: Client, log: MemoryLog
) -> None:
    note = sign_note(f"{log.origin}\nnot a size\nAAAA\n", [log.signer])
    assert post(client, format_add_checkpoint(AddCheckpoint(0, (), note)))[0] == 400


def test_a_size_beyond_2_63_minus_1_is_a_bad_request(client: Client, log: MemoryLog) -> None:
    note = log.checkpoint(2**63, root=bytes(32))
    assert post(client, format_add_checkpoint(AddCheckpoint(0, (), note)))[0] == 400


def test_a_huge_body_is_refused_unread(client: Client, log: MemoryLog) -> None:
    body = b"old 0\n" + b"A" * (2 * 1024 * 1024)
    assert post(client, body)[0] == 413


def test_mangled_requests_are_answered_with_a_status_of_the_spec(
    client: Client, log: MemoryLog
) -> None:
    post(client, log.request(0, 3))
    valid = log.request(3, 9)
    rng = random.Random(13)  # noqa: S311 (a test's reproducible choices)
    seen = set()
    for _ in range(300):
        body = bytearray(valid)
        for _ in range(rng.randint(1, 4)):
            if not body:
                break
            position = rng.randrange(len(body))
            action = rng.choice(["flip", "delete", "insert", "truncate"])
            if action == "flip":
                body[position] ^= 1 << rng.randrange(8)
            elif action == "delete":
                del body[position]
            elif action == "insert":
                body.insert(position, rng.choice(b"\n =+/Aa0\xe2\x80\x94\x00"))
            else:
                del body[position:]
        status, _, _ = post(client, bytes(body))
        seen.add(status)
    assert seen <= {200, 400, 403, 404, 409, 422}
    assert {400, 403, 404} <= seen


def test_a_form_content_type_is_read_as_the_body_all_the_same(
    client: Client, log: MemoryLog
) -> None:
    # curl --data-binary sends its default, application/x-www-form-urlencoded.
    response = client.post(
        ADD_CHECKPOINT, log.request(0, 1), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_only_post_is_allowed(client: Client, method: str) -> None:
    assert getattr(client, method)(ADD_CHECKPOINT).status_code == 405


def test_it_needs_no_csrf_token(log: MemoryLog) -> None:
    client = Client(enforce_csrf_checks=True)
    assert post(client, log.request(0, 1))[0] == 200
