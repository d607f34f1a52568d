"""The published witness test matrices, replayed against this witness.

Torchwood's litewitness cases (cmd/litewitness/testdata/litewitness.txt) are
real requests for a log whose key and signatures are public, so they also
show that this witness reads other implementations' notes and proofs. The
expected statuses are the spec's: for an unknown origin litewitness answers
403, tlog-witness v1 says 404. sigsum-go's cases (the witness-add-checkpoint
script and the witness server tests) are its sizes and statuses, replayed on
a log of our own.
"""

import pytest
from django.test import Client

from judicial_verify.tlog.checkpoint import origin_hash
from judicial_verify.tlog.cosignature import (
    AddCheckpoint,
    CosignatureVerifier,
    format_add_checkpoint,
    parse_add_checkpoint,
    parse_signature_lines,
    parse_tlog_size,
    verify_cosignatures,
)
from judicial_verify.tlog.note import Verifier, open_note
from judicial_verify.witness.keys import witness_cosigner
from judicial_verify.witness.services import log_trust

from .conftest import ADD_CHECKPOINT, WITNESS_NAME, MemoryLog, post

pytestmark = pytest.mark.django_db

ORIGIN = "sigsum.org/v1/tree/4d6d8825a6bb689d459628312889dfbb0bcd41b5211d9e1ce768b0ff0309e562"
LOG_KEY = f"{ORIGIN}+5202289b+Af/cLU2Y5BJNP+r3iMDC+av9eWCD0fBJVDfzAux5zxAP"


def body(old: int, proof: str, size: int, root: str, signature: str, origin: str = ORIGIN) -> bytes:
    proof_lines = "".join(f"{line}\n" for line in proof.split())
    return (
        f"old {old}\n{proof_lines}\n{origin}\n{size}\n{root}\n\n— {origin} {signature}\n"
    ).encode()


SIZE_1 = body(
    0,
    "",
    1,
    "KgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    "UgIom7fPZTqpxWWhyjWduBvTvGVqsokMbqTArsQilegKoFBJQjUFAmQ0+YeSPM3wfUQMFSzVnnNuWRTYrajXpNUbIQY=",
)
PROOF_1_3 = (
    "KgEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= KgIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
)
ROOT_3 = "RcCI1Nk56ZcSmIEfIn0SleqtV7uvrlXNccFx595Iwl0="
SIG_3 = (
    "UgIom2VbtIcdFbwFAy1n7s6IkAxIY6J/GQOTuZF2ORV39d75cbAj2aQYwyJre36kezNobZs4SUUdrcawfAB8WVrx6go="
)
SIZE_3 = body(1, PROOF_1_3, 3, ROOT_3, SIG_3)
ROOT_5 = "QrtXrQZCCvpIgsSmOsah7HdICzMLLyDfxToMql9WTjY="
SIG_5 = (
    "UgIomw/EOJmWi0i1FQsOj+etB7F8IccFam/jgd6wzRns4QPVmyEZtdvl1U2KEmLOZ/ASRcWJi0tW90dJWAShei7sDww="
)
PROOF_3_5 = (
    "KgIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= KgMAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= "
    "wgiIFdZfYNv6WU1OllBKsWnLYIS/DBMqt8Uh/S4OukE= KgQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
)
SIZE_5 = body(3, PROOF_3_5, 5, ROOT_5, SIG_5)
PROOF_1_5 = (
    "KgEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= +fUDV+k970B4I3uKrqJM4aP1lloPZP8mvr2Z4wRw2LI= "
    "KgQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
)
OTHER_ORIGIN = ORIGIN[:-1] + "3"

# (case, requests accepted before, the request, status, 409 body)
LITEWITNESS = [
    ("the first checkpoint is cosigned", [], SIZE_1, 200, None),
    (
        "a log signature that does not verify is refused",
        [SIZE_1],
        body(1, PROOF_1_3, 3, ROOT_3, SIG_3[:-2] + "x="),
        403,
        None,
    ),
    (
        "an unknown log is not found",
        [SIZE_1],
        body(1, PROOF_1_3, 3, ROOT_3, SIG_3, origin=OTHER_ORIGIN),
        404,
        None,
    ),
    ("a missing consistency proof is refused", [SIZE_1], body(1, "", 3, ROOT_3, SIG_3), 422, None),
    (
        "a consistency proof that does not verify is refused",
        [SIZE_1],
        body(1, PROOF_1_3[:-3] + "BA=", 3, ROOT_3, SIG_3),
        422,
        None,
    ),
    ("a consistent checkpoint is cosigned", [SIZE_1], SIZE_3, 200, None),
    (
        "an old size behind the witness is a conflict",
        [SIZE_1, SIZE_3],
        body(1, PROOF_1_5, 5, ROOT_5, SIG_5),
        409,
        b"3\n",
    ),
    ("the next consistent checkpoint is cosigned", [SIZE_1, SIZE_3], SIZE_5, 200, None),
    (
        "old size 0 asks the witness for its size",
        [SIZE_1, SIZE_3, SIZE_5],
        body(0, "", 5, ROOT_5, SIG_5),
        409,
        b"5\n",
    ),
]


# litewitness's bodies say "invalid signature", "unknown log" and "consistency proof"; this
# witness's say the same in its own words.
REFUSAL_REASONS = {
    403: "the checkpoint is not signed by the log",
    404: "this witness does not cosign for the log",
    422: "not consistent with the checkpoint cosigned before",
}


@pytest.mark.parametrize(
    ("before", "request_body", "status", "conflict"),
    [case[1:] for case in LITEWITNESS],
    ids=[case[0] for case in LITEWITNESS],
)
def test_litewitness_case(
    client: Client, before: list[bytes], request_body: bytes, status: int, conflict: bytes | None
) -> None:
    log_trust(vkey=LOG_KEY)
    for accepted in before:
        assert post(client, accepted)[0] == 200
    got_status, content_type, answer = post(client, request_body)
    assert got_status == status, answer
    if status in REFUSAL_REASONS:
        assert REFUSAL_REASONS[status] in answer.decode()
    if status == 409:
        assert parse_tlog_size(content_type, answer) == int(conflict or b"")
    if status == 200:
        cosigned = parse_add_checkpoint(request_body).checkpoint + answer
        note = open_note(cosigned, [Verifier(LOG_KEY)])
        witness = CosignatureVerifier(witness_cosigner().verifier_key)
        [cosignature] = verify_cosignatures(note.text, note.unverified_sigs, [witness])
        assert cosignature.name == WITNESS_NAME


# sigsum-go's tests/witness-add-checkpoint-test: one witness, one log, in this order.
SIGSUM_SEQUENCE = [
    (0, 2, 200, None),
    (1, 2, 409, 2),
    (2, 4, 200, None),
    (4, 4, 200, None),
    (4, 5, 200, None),
]


def test_sigsum_add_checkpoint_sequence(client: Client) -> None:
    log = MemoryLog()
    log_trust(vkey=log.vkey)
    for old, new, status, size in SIGSUM_SEQUENCE:
        got_status, content_type, answer = post(client, log.request(old, new))
        assert got_status == status, (old, new, answer)
        if status == 200:
            [line] = parse_signature_lines(answer)
            assert line.name == WITNESS_NAME
            assert len(line.signature) == 72
        else:
            assert content_type == "text/x.tlog.size"
            assert answer == f"{size}\n".encode()


def test_sigsum_a_trailing_slash_is_not_the_endpoint(client: Client) -> None:
    log = MemoryLog()
    log_trust(vkey=log.vkey)
    response = client.post(ADD_CHECKPOINT + "/", log.request(0, 1), content_type="text/plain")
    assert response.status_code == 404


def test_sigsum_an_old_size_beyond_the_checkpoint_is_a_bad_request(client: Client) -> None:
    log = MemoryLog()
    log_trust(vkey=log.vkey)
    log.grow(5)
    request = AddCheckpoint(6, (), log.checkpoint(5))
    assert post(client, format_add_checkpoint(request))[0] == 400


def test_litewitness_sequence_leaves_the_witness_at_size_5(client: Client) -> None:
    log_trust(vkey=LOG_KEY)
    for request_body in (SIZE_1, SIZE_3, SIZE_5):
        assert post(client, request_body)[0] == 200
    response = client.get(f"/witness/{origin_hash(ORIGIN)}/checkpoint")
    assert response.status_code == 200
    assert response.content.startswith(f"{ORIGIN}\n5\n{ROOT_5}\n\n".encode())


# Torchwood's sumdb.txt: the Go checksum database, whose origin is not its key's name, at its
# real size; its first checkpoint is cosigned from size 0 with no proof.
SUMDB_ORIGIN = "go.sum database tree"
SUMDB_KEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
SUMDB_CHECKPOINT = (
    "go.sum database tree\n35225469\nvt5T6GaLCXvyHFl9VUvvItR43XZxfLgftEcTyO3eJCQ=\n\n"
    "— sum.golang.org Az3grpukl5AXaVfYkLiDGORx/DN2nlcS5kZHR5uYOBV2KA2HgXpD+gu9HHONebHLAyaKbbTM75"
    "QTtPydhKCExixSfwQ=\n"
).encode()


def test_torchwood_sumdb_case_a_log_whose_origin_is_not_its_key_name(client: Client) -> None:
    log_trust(vkey=SUMDB_KEY, origin=SUMDB_ORIGIN)
    status, _, answer = post(client, b"old 0\n\n" + SUMDB_CHECKPOINT)
    assert status == 200, answer
    note = open_note(SUMDB_CHECKPOINT + answer, [Verifier(SUMDB_KEY)])
    witness = CosignatureVerifier(witness_cosigner().verifier_key)
    [cosignature] = verify_cosignatures(note.text, note.unverified_sigs, [witness])
    assert cosignature.name == WITNESS_NAME
    response = client.get(f"/witness/{origin_hash(SUMDB_ORIGIN)}/checkpoint")
    assert response.content.startswith(b"go.sum database tree\n35225469\n")


def test_torchwood_sumdb_case_is_an_unknown_log_under_its_key_name_alone(client: Client) -> None:
    log_trust(vkey=SUMDB_KEY)
    status, _, answer = post(client, b"old 0\n\n" + SUMDB_CHECKPOINT)
    assert (status, answer) == (
        404,
        b"this witness does not cosign for the log 'go.sum database tree'\n",
    )
