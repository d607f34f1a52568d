import base64
from typing import Any

import pytest

from judicial_verify.ledger.models import Checkpoint, Entry
from judicial_verify.ledger.read import verifier_keys
from judicial_verify.tlog.errors import DocumentMismatchError
from judicial_verify.tlog.note import Verifier
from judicial_verify.tlog.receipt import parse_receipt, verify_receipt
from judicial_verify.tlog.tree import leaf_hash, verify_inclusion
from tests.ledger.tamper import guards_lifted
from tests.people import Actor, sha

from .anchoring import anchor, anchor_batches, signed_checkpoint

pytestmark = pytest.mark.django_db

NOT_AN_INDEX = [
    "abc",
    "-1",
    "1.5",
    "1e3",
    "0x10",
    "+1",
    "00",  # one spelling a number: no leading zeros
    "%201",
    "１",  # a full-width digit: a number to Python's int(), not to this API
    "9223372036854775808",  # 2**63, beyond BIGINT
    "99999999999999999999999999",
]


def proof_url(index: int | str, size: int | str | None = None) -> str:
    url = f"/api/v1/entries/{index}/proof"
    return url if size is None else f"{url}?size={size}"


def test_it_shows_an_entry_by_its_index(court: Actor, public: Actor) -> None:
    anchor(court, sha("first"))
    index = anchor(court, sha("second"))
    entry = public.client.get(f"/api/v1/entries/{index}").json()
    assert (entry["index"], entry["sha256"], entry["node"]["code"]) == (1, sha("second"), "court-a")
    assert entry["kind_label"] == {"en": "Case file", "zh": "案卷"}
    assert base64.b64decode(entry["leaf_hash"]) == leaf_hash(base64.b64decode(entry["entry"]))


def test_an_index_not_in_the_log_is_a_404(court: Actor, public: Actor) -> None:
    anchor(court, sha("only"))
    response = public.client.get("/api/v1/entries/1")
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "no entry at index 1"}


def test_the_largest_index_is_a_404_not_an_overflow(public: Actor) -> None:
    response = public.client.get(f"/api/v1/entries/{2**63 - 1}")
    assert response.status_code == 404


@pytest.mark.parametrize("index", NOT_AN_INDEX)
@pytest.mark.parametrize("suffix", ["", "/proof", "/receipt"])
def test_it_refuses_what_is_not_an_index_naming_it(
    court: Actor, public: Actor, index: str, suffix: str
) -> None:
    anchor(court, sha("doc"))
    response = public.client.get(f"/api/v1/entries/{index}{suffix}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["fields"][0]["field"] == "index"


def test_the_proof_leads_from_the_entry_to_the_newest_checkpoint(
    court: Actor, public: Actor
) -> None:
    anchor_batches(court, [3, 7])
    proof = public.client.get(proof_url(5)).json()
    checkpoint = signed_checkpoint(proof["checkpoint"]["note"])
    assert proof["tree_size"] == checkpoint.size == 7
    verify_inclusion(
        leaf_hash=base64.b64decode(proof["leaf_hash"]),
        index=5,
        size=7,
        proof=[base64.b64decode(h) for h in proof["hashes"]],
        root=checkpoint.root_hash,
    )


def test_a_proof_against_an_older_published_checkpoint(court: Actor, public: Actor) -> None:
    anchor_batches(court, [3, 7])
    proof = public.client.get(proof_url(1, size=3)).json()
    checkpoint = signed_checkpoint(proof["checkpoint"]["note"])
    assert proof["tree_size"] == checkpoint.size == 3
    verify_inclusion(
        leaf_hash=base64.b64decode(proof["leaf_hash"]),
        index=1,
        size=3,
        proof=[base64.b64decode(h) for h in proof["hashes"]],
        root=checkpoint.root_hash,
    )


def test_a_proof_for_a_size_beyond_the_newest_checkpoint_is_a_404(
    court: Actor, public: Actor
) -> None:
    anchor_batches(court, [3])
    response = public.client.get(proof_url(1, size=4))
    assert response.status_code == 404
    assert "beyond the newest checkpoint's 3" in response.json()["error"]["message"]


def test_a_proof_for_a_size_no_checkpoint_was_published_for_is_a_404(
    court: Actor, public: Actor
) -> None:
    anchor_batches(court, [3, 7])
    response = public.client.get(proof_url(1, size=5))
    assert response.status_code == 404
    assert "no checkpoint was published for tree size 5" in response.json()["error"]["message"]


def test_a_proof_of_an_entry_the_tree_size_does_not_hold_is_a_404(
    court: Actor, public: Actor
) -> None:
    anchor_batches(court, [3, 7])
    response = public.client.get(proof_url(4, size=3))
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "no entry at index 4 in the tree of size 3"


def test_a_proof_before_the_log_has_signed_anything_is_a_404(public: Actor) -> None:
    response = public.client.get(proof_url(0))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("size", ["", "x", "-1", "3.0", "9223372036854775808"])
def test_it_refuses_what_is_not_a_tree_size_naming_it(
    court: Actor, public: Actor, size: str
) -> None:
    anchor(court, sha("doc"))
    response = public.client.get(proof_url(0, size))
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "size"


def receipt(actor: Actor, index: int, **headers: Any) -> Any:
    return actor.client.get(f"/api/v1/entries/{index}/receipt", **headers)


def test_the_receipt_verifies_offline_with_the_document_and_the_log_key(
    court: Actor, public: Actor
) -> None:
    anchor_batches(court, [4])
    index = anchor(court, sha("summons"))
    response = receipt(public, index)
    keys = [Verifier(vkey) for vkey in verifier_keys()]
    verified = verify_receipt(
        parse_receipt(response.content), keys, document_sha256=bytes.fromhex(sha("summons"))
    )
    assert (verified.index, verified.checkpoint.size) == (4, 5)
    assert verified.entry.sha256 == sha("summons")


def test_the_receipt_is_for_that_document_only(court: Actor, public: Actor) -> None:
    index = anchor(court, sha("summons"))
    keys = [Verifier(vkey) for vkey in verifier_keys()]
    with pytest.raises(DocumentMismatchError):
        verify_receipt(
            parse_receipt(receipt(public, index).content),
            keys,
            document_sha256=bytes.fromhex(sha("a printed copy")),
        )


def test_the_receipt_is_a_file_to_download(court: Actor, public: Actor) -> None:
    index = anchor(court, sha("summons"))
    response = receipt(public, index)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="entry-{index}.tlog-proof"'
    assert response.content.startswith(b"c2sp.org/tlog-proof@v1\n")


@pytest.mark.parametrize("accept", ["application/json", "text/html", "image/png"])
def test_the_receipt_is_served_whatever_the_client_accepts(
    court: Actor, public: Actor, accept: str
) -> None:
    index = anchor(court, sha("summons"))
    response = receipt(public, index, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response.content.startswith(b"c2sp.org/tlog-proof@v1\n")


def test_a_receipt_of_an_entry_not_in_the_log_is_a_json_404(public: Actor) -> None:
    response = receipt(public, 0, HTTP_ACCEPT="text/plain")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_the_receipt_is_against_the_newest_checkpoint(court: Actor, public: Actor) -> None:
    index = anchor(court, sha("summons"))
    anchor(court, sha("a later record"))
    parsed = parse_receipt(receipt(public, index).content)
    newest = Checkpoint.objects.latest()
    assert parsed.checkpoint_note == bytes(newest.note)


def test_an_entry_row_that_fails_its_checks_is_a_503_integrity_alarm(
    court: Actor, public: Actor
) -> None:
    index = anchor(court, sha("agreement"))
    with guards_lifted("ledger_entry"):
        Entry.objects.filter(index=index).update(data=b"not an entry")
    response = public.client.get(f"/api/v1/entries/{index}")
    assert response.status_code == 503
    assert response.json() == {
        "error": {
            "code": "integrity_alarm",
            "message": "stored data failed its own integrity checks, so nothing is answered "
            "from it; the operators are alerted, try again later",
        }
    }
