"""An entry integrated but not yet in a published checkpoint reads, through the API, as one
still pending; once published, as anchored."""

import pytest

from judicial_verify.ledger.publish import checkpoint_publish
from judicial_verify.records.models import Record
from judicial_verify.records.services import record_code
from tests.anchoring import anchor, anchor_unpublished
from tests.people import Actor, node_of, sha

pytestmark = pytest.mark.django_db

SERVED = {"document_type": "summons", "served_at": "2026-11-20T10:00:00+08:00"}


def entry_urls(index: int) -> list[str]:
    return [f"/api/v1/entries/{index}{tail}" for tail in ("", "/proof", "/receipt")]


def test_the_entry_its_proof_and_its_receipt_are_not_found_until_published(
    court: Actor, public: Actor
) -> None:
    anchor(node_of(court), sha("published"))
    index = anchor_unpublished(node_of(court), sha("unpublished"))
    for url in entry_urls(index):
        assert public.client.get(url).status_code == 404, url
    checkpoint_publish()
    for url in entry_urls(index):
        assert public.client.get(url).status_code == 200, url


def test_its_document_is_not_anchored_until_published(court: Actor, public: Actor) -> None:
    anchor(node_of(court), sha("published"))
    anchor_unpublished(node_of(court), sha("unpublished"))
    answer = public.client.get("/api/v1/verify", {"sha256": sha("unpublished")}).json()
    assert (answer["anchored"], answer["entries"]) == (False, [])
    checkpoint_publish()
    answer = public.client.get("/api/v1/verify", {"sha256": sha("unpublished")}).json()
    assert answer["anchored"] is True


def test_submitting_it_again_answers_pending_with_no_index(court: Actor) -> None:
    anchor(node_of(court), sha("published"))
    anchor_unpublished(node_of(court), sha("unpublished"), kind="evidence", metadata={})
    body = {"kind": "evidence", "sha256": sha("unpublished")}
    response = court.client.post("/api/v1/entries", body, format="json")
    assert response.status_code == 202
    (entry,) = response.json()["entries"]
    assert (entry["created"], entry["status"], entry["index"]) == (False, "pending", None)


def test_its_verification_code_names_nothing_until_published(court: Actor, public: Actor) -> None:
    anchor(node_of(court), sha("published"))
    anchor_unpublished(node_of(court), sha("summons"), kind="served_document", metadata=SERVED)
    code = record_code(Record.objects.get(sha256=sha("summons")))
    assert code is not None
    assert public.client.get(f"/api/v1/codes/{code}").status_code == 404
    checkpoint_publish()
    assert public.client.get(f"/api/v1/codes/{code}").status_code == 200


def test_a_receipt_of_service_cannot_refer_to_it_until_published(court: Actor) -> None:
    anchor(node_of(court), sha("published"))
    index = anchor_unpublished(
        node_of(court), sha("summons"), kind="served_document", metadata=SERVED
    )
    body = {"kind": "service_receipt", "sha256": sha("receipt"), "ref": index}
    response = court.client.post("/api/v1/entries", body, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == f"no entry at index {index}"
