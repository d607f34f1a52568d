import base64
from typing import Any

import pytest

from judicial_verify.ledger.keys import log_key_rotate
from judicial_verify.ledger.models import Checkpoint
from judicial_verify.ledger.publish import checkpoint_refresh
from judicial_verify.tlog.tree import EMPTY_ROOT, verify_consistency
from tests.people import Actor, sha

from .anchoring import anchor, anchor_batches, signed_checkpoint

pytestmark = pytest.mark.django_db

CONSISTENCY = "/api/v1/log/consistency"


def consistency(actor: Actor, **params: Any) -> Any:
    return actor.client.get(CONSISTENCY, params)


def root_of(size: int) -> bytes:
    return bytes(Checkpoint.objects.filter(size=size).values_list("root_hash", flat=True)[0])


def test_it_shows_the_origin_size_and_newest_checkpoint(court: Actor, public: Actor) -> None:
    anchor_batches(court, [2, 5])
    log = public.client.get("/api/v1/log").json()
    assert (log["origin"], log["size"]) == ("judicial-verify.localhost/log", 5)
    checkpoint = signed_checkpoint(log["checkpoint"]["note"])
    assert (checkpoint.origin, checkpoint.size) == ("judicial-verify.localhost/log", 5)
    assert base64.b64decode(log["checkpoint"]["root_hash"]) == checkpoint.root_hash
    assert log["verifier_key"] == log["checkpoint"]["verifier_key"]
    assert log["verifier_keys"] == [log["verifier_key"]]


def test_it_shows_every_verifier_key_after_a_rotation_newest_first(
    court: Actor, public: Actor
) -> None:
    anchor(court, sha("before"))
    old = public.client.get("/api/v1/log").json()["verifier_key"]
    log_key_rotate()
    checkpoint_refresh()
    log = public.client.get("/api/v1/log").json()
    assert log["verifier_key"] != old
    assert log["verifier_keys"] == [log["verifier_key"], old]
    assert signed_checkpoint(log["checkpoint"]["note"]).size == 1


def test_a_log_that_has_signed_nothing_is_empty(public: Actor) -> None:
    assert public.client.get("/api/v1/log").json() == {
        "origin": "judicial-verify.localhost/log",
        "size": 0,
        "checkpoint": None,
        "verifier_key": None,
        "verifier_keys": [],
    }


def test_the_consistency_proof_verifies_between_two_checkpoints(
    court: Actor, public: Actor
) -> None:
    anchor_batches(court, [3, 7, 12])
    proof = consistency(public, **{"from": 3, "to": 12}).json()
    assert (proof["from_size"], proof["to_size"]) == (3, 12)
    assert base64.b64decode(proof["from_root"]) == root_of(3)
    assert base64.b64decode(proof["to_root"]) == root_of(12)
    verify_consistency(
        size1=3,
        size2=12,
        proof=[base64.b64decode(h) for h in proof["hashes"]],
        root1=root_of(3),
        root2=root_of(12),
    )


def test_a_consistency_proof_may_start_or_end_between_checkpoints(
    court: Actor, public: Actor
) -> None:
    anchor_batches(court, [3, 7, 12])
    proof = consistency(public, **{"from": 5, "to": 9}).json()
    verify_consistency(
        size1=5,
        size2=9,
        proof=[base64.b64decode(h) for h in proof["hashes"]],
        root1=base64.b64decode(proof["from_root"]),
        root2=base64.b64decode(proof["to_root"]),
    )


@pytest.mark.parametrize(("size1", "size2"), [(0, 4), (4, 4), (0, 0)])
def test_the_proof_from_the_empty_tree_or_to_the_same_size_is_empty(
    court: Actor, public: Actor, size1: int, size2: int
) -> None:
    anchor_batches(court, [4])
    proof = consistency(public, **{"from": size1, "to": size2}).json()
    assert proof["hashes"] == []
    root1 = EMPTY_ROOT if size1 == 0 else root_of(size1)
    assert base64.b64decode(proof["from_root"]) == root1


def test_a_size_beyond_the_newest_checkpoint_is_a_404(court: Actor, public: Actor) -> None:
    anchor_batches(court, [4])
    response = consistency(public, **{"from": 2, "to": 5})
    assert response.status_code == 404
    assert "beyond the newest checkpoint's 4" in response.json()["error"]["message"]


def test_there_is_no_proof_from_a_larger_tree_to_a_smaller(court: Actor, public: Actor) -> None:
    anchor_batches(court, [4])
    response = consistency(public, **{"from": 3, "to": 2})
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "sizes 3 and 2 are not 0 <= first <= second"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"to": 2}, "from"),
        ({"from": 1}, "to"),
        ({}, "from"),
        ({"from": "one", "to": 2}, "from"),
        ({"from": 1, "to": "-2"}, "to"),
        ({"from": 1, "to": ""}, "to"),
        ({"from": 1, "to": str(2**63)}, "to"),
        ({"from": 1, "to": "1e9"}, "to"),
        ({"from": "01", "to": 2}, "from"),
    ],
)
def test_it_refuses_a_missing_or_bad_size_naming_it(
    court: Actor, public: Actor, params: dict[str, Any], field: str
) -> None:
    anchor_batches(court, [4])
    response = consistency(public, **params)
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == field
