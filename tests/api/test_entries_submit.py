import hashlib
import json
import logging
import time
from typing import Any

import pytest
from django.conf import LazySettings

from judicial_verify.ledger.models import Entry, PendingEntry
from judicial_verify.records.credentials import node_token_rotate
from judicial_verify.records.kinds import MAX_METADATA_BYTES
from judicial_verify.records.models import NodeToken, Record
from judicial_verify.tlog.entry import decode_entry, metadata_commitment
from judicial_verify.tlog.receipt import parse_receipt
from tests.celery_worker import new_queue, tasks_queued_to
from tests.people import Actor, sha
from tests.publishing import integrate_and_publish, publication_held_back

pytestmark = pytest.mark.django_db

URL = "/api/v1/entries"
SERVED = {"document_type": "summons", "served_at": "2026-11-20T10:00:00+08:00"}


def post(actor: Actor, body: object, **kwargs: Any) -> Any:
    return actor.client.post(URL, body, format="json", **kwargs)


def test_a_node_anchors_one_record_and_gets_its_id(court: Actor) -> None:
    response = post(court, {"kind": "evidence", "sha256": sha("photo")})
    assert response.status_code == 202
    (entry,) = response.json()["entries"]
    assert entry["status"] == "pending"
    assert entry["created"] is True
    assert PendingEntry.objects.filter(pk=entry["id"]).exists()


def test_a_node_anchors_a_batch_in_order(court: Actor) -> None:
    body = [{"kind": "evidence", "sha256": sha(f"file {i}")} for i in range(50)]
    entries = post(court, body).json()["entries"]
    assert [e["sha256"] for e in entries] == [b["sha256"] for b in body]
    integrate_and_publish()
    assert list(Entry.objects.order_by("index").values_list("submission", flat=True)) == [
        e["id"] for e in entries
    ]


def test_the_entry_commits_to_the_salted_metadata_it_stores(court: Actor) -> None:
    metadata = {"case_number": "(2026) 京0105民初1号", "parties": ["Wang", "Li"]}
    post(court, {"kind": "case_file", "sha256": sha("file"), "metadata": metadata})
    integrate_and_publish()
    record = Record.objects.get()
    entry = decode_entry(bytes(Entry.objects.get().data))
    assert record.metadata == metadata
    assert entry.meta == metadata_commitment(bytes(record.salt), metadata)
    assert entry.node == "court-a"


def test_anchoring_again_gives_back_the_same_entry_and_adds_no_leaf(court: Actor) -> None:
    body = {"kind": "evidence", "sha256": sha("photo")}
    first = post(court, body).json()["entries"][0]
    integrate_and_publish()
    again = post(court, body).json()["entries"][0]
    assert (again["id"], again["created"], again["index"]) == (first["id"], False, 0)
    assert Entry.objects.count() + PendingEntry.objects.count() == 1


def test_the_same_document_from_another_node_is_another_record(
    court: Actor, other_court: Actor
) -> None:
    body = {"kind": "evidence", "sha256": sha("photo")}
    assert (
        post(court, body).json()["entries"][0]["id"]
        != post(other_court, body).json()["entries"][0]["id"]
    )


def test_a_retried_batch_with_an_idempotency_key_gets_the_same_answer(court: Actor) -> None:
    body = [{"kind": "evidence", "sha256": sha(f"f{i}")} for i in range(3)]
    first = post(court, body, HTTP_IDEMPOTENCY_KEY="batch-7").json()["entries"]
    again = post(court, body, HTTP_IDEMPOTENCY_KEY="batch-7").json()["entries"]
    assert [e["id"] for e in again] == [e["id"] for e in first]
    assert Record.objects.count() == 3


def test_an_idempotency_key_that_is_not_text_is_refused(court: Actor) -> None:
    body = {"kind": "evidence", "sha256": sha("a")}
    response = post(court, body, HTTP_IDEMPOTENCY_KEY="k\x00")
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "Idempotency-Key"
    assert not Record.objects.exists()


def test_an_idempotency_key_reused_for_another_batch_is_refused(court: Actor) -> None:
    post(court, {"kind": "evidence", "sha256": sha("a")}, HTTP_IDEMPOTENCY_KEY="k")
    response = post(court, {"kind": "evidence", "sha256": sha("b")}, HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"


def test_waiting_answers_with_index_and_a_receipt_once_signed(court: Actor) -> None:
    response = post(court, [{"kind": "evidence", "sha256": sha("x")}], QUERY_STRING="wait=0")
    assert response.status_code == 202
    integrate_and_publish()
    response = court.client.post(
        f"{URL}?wait=1", [{"kind": "evidence", "sha256": sha("x")}], format="json"
    )
    assert response.status_code == 200
    (entry,) = response.json()["entries"]
    assert entry["index"] == 0
    assert parse_receipt(entry["receipt"].encode()).index == 0


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_waiting_answers_only_once_a_published_checkpoint_covers_the_records(
    court: Actor,
) -> None:
    # No worker listens on the queue: only this test integrates, and publishes later.
    with tasks_queued_to(new_queue()), publication_held_back(0.5) as publishing:
        response = post(court, [{"kind": "evidence", "sha256": sha("x")}], QUERY_STRING="wait=10")
        returned = time.monotonic()
    assert returned >= publishing[0]
    assert response.status_code == 200
    (entry,) = response.json()["entries"]
    assert (entry["status"], entry["index"]) == ("integrated", 0)
    assert parse_receipt(entry["receipt"].encode()).index == 0


def test_a_served_document_gets_a_verification_code(court: Actor) -> None:
    (entry,) = post(
        court, {"kind": "served_document", "sha256": sha("summons"), "metadata": SERVED}
    ).json()["entries"]
    groups = entry["code"].split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4, 4]
    assert entry["verify_url"].endswith("/v/" + "".join(groups))
    again = post(court, {"kind": "served_document", "sha256": sha("summons"), "metadata": SERVED})
    assert again.json()["entries"][0]["code"] == entry["code"]
    assert "code" not in post(court, {"kind": "evidence", "sha256": sha("e")}).json()["entries"][0]


@pytest.mark.parametrize(
    ("body", "item", "field"),
    [
        ({"kind": "parking_ticket", "sha256": sha("x")}, None, "kind"),
        ({"kind": "evidence", "sha256": "XYZ"}, None, "sha256"),
        ({"kind": "evidence", "sha256": sha("x").upper()}, None, "sha256"),
        ({"kind": "evidence"}, None, "sha256"),
        ({"kind": "evidence", "sha256": sha("x"), "colour": "red"}, None, "colour"),
        ({"kind": "evidence", "sha256": sha("x"), "ref": -1}, None, "ref"),
        ({"kind": "evidence", "sha256": sha("x"), "ref": "1"}, None, "ref"),
        ({"kind": "evidence", "sha256": sha("x"), "ref": 2**53}, None, "ref"),
        ({"kind": "evidence", "sha256": sha("x"), "ref": 2**70}, None, "ref"),
        ({"kind": "service_receipt", "sha256": sha("x")}, None, "ref"),
        ({"kind": "evidence", "sha256": sha("x"), "metadata": []}, None, "metadata"),
        ({"kind": "evidence", "sha256": sha("x"), "metadata": {"x": "1"}}, None, "metadata.x"),
        (
            {
                "kind": "mediation_agreement",
                "sha256": sha("x"),
                "metadata": {"performance_deadline": "soon"},
            },
            None,
            "metadata.performance_deadline",
        ),
        (
            {
                "kind": "evidence",
                "sha256": sha("x"),
                "metadata": {"collected_at": "2026-01-01T00:00"},
            },
            None,
            "metadata.collected_at",
        ),
        (
            [{"kind": "evidence", "sha256": sha("x")}, {"kind": "evidence", "sha256": "0"}],
            1,
            "sha256",
        ),
        ([], None, "body"),
        ("just a string", None, "body"),
        ([{"kind": "evidence", "sha256": sha("x")}] * 1001, None, "body"),
    ],
)
def test_it_names_the_record_and_field_of_an_invalid_submission(
    court: Actor, body: object, item: int | None, field: str
) -> None:
    response = post(court, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    (where,) = error["fields"]
    assert where["field"] == field
    assert where.get("item") == item
    assert not Record.objects.exists()


def test_a_receipt_of_service_must_refer_to_a_served_document(court: Actor) -> None:
    post(court, {"kind": "evidence", "sha256": sha("e")})
    integrate_and_publish()
    response = post(court, {"kind": "service_receipt", "sha256": sha("r"), "ref": 0})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "ref_wrong_kind"
    assert error["fields"][0]["field"] == "ref"


def test_a_ref_to_no_entry_is_404_naming_the_ref(court: Actor) -> None:
    response = post(court, [{"kind": "evidence", "sha256": sha("x"), "ref": 5}])
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "ref_not_found"
    assert error["fields"] == [{"item": 0, "field": "ref", "message": error["message"]}]
    assert not Record.objects.exists()


def test_it_refuses_malformed_json_with_a_clear_error(court: Actor) -> None:
    response = court.client.post(URL, b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


@pytest.mark.parametrize("wait", ["-1", "31", "soon", "nan"])
def test_it_refuses_an_unbounded_wait(court: Actor, wait: str) -> None:
    response = court.client.post(
        f"{URL}?wait={wait}", {"kind": "evidence", "sha256": sha("x")}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "wait"


def test_the_public_may_not_anchor(public: Actor) -> None:
    response = post(public, {"kind": "evidence", "sha256": sha("x")})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_lawyer_may_not_anchor(lawyer: Actor) -> None:
    assert post(lawyer, {"kind": "evidence", "sha256": sha("x")}).status_code == 403


def test_a_judge_may_not_anchor_through_the_api(judge: Actor) -> None:
    assert post(judge, {"kind": "evidence", "sha256": sha("x")}).status_code == 403


def test_a_suspended_node_may_not_anchor(court: Actor) -> None:
    assert court.node is not None
    court.node.suspended = True
    court.node.save()
    response = post(court, {"kind": "evidence", "sha256": sha("x")})
    assert response.status_code == 403
    assert "suspended" in response.json()["error"]["message"]


def test_a_rotated_token_no_longer_works(court: Actor) -> None:
    assert court.node is not None
    node_token_rotate(node=court.node)
    assert post(court, {"kind": "evidence", "sha256": sha("x")}).status_code == 401


def test_a_wrong_token_is_refused(public: Actor) -> None:
    public.client.credentials(HTTP_AUTHORIZATION="Token jvn_nonsense")
    assert post(public, {"kind": "evidence", "sha256": sha("x")}).status_code == 401


def test_node_tokens_are_stored_only_as_hashes(court: Actor) -> None:
    stored = NodeToken.objects.get()
    assert court.token is not None
    assert stored.key_hash == hashlib.sha256(court.token.encode()).hexdigest()
    assert not NodeToken.objects.filter(key_hash__contains=court.token[4:20]).exists()


def post_raw(actor: Actor, body: object) -> Any:
    # json.dumps writes what is not text (a lone surrogate, say) \u-escaped, as JSON allows.
    return actor.client.post(URL, json.dumps(body), content_type="application/json")


def integrated_served_document(node: Actor) -> int:
    body = {"kind": "served_document", "sha256": sha("summons"), "metadata": SERVED}
    submission = post(node, body).json()["entries"][0]["id"]
    integrate_and_publish()
    return Entry.objects.get(submission=submission).index


@pytest.mark.parametrize("kind", ["service_receipt", "evidence"])
def test_a_node_may_not_refer_to_another_node_s_entry(
    court: Actor, other_court: Actor, kind: str
) -> None:
    served = integrated_served_document(court)
    records = Record.objects.count()
    body = [
        {"kind": "evidence", "sha256": sha("fine")},
        {"kind": kind, "sha256": sha("their receipt"), "ref": served},
    ]
    response = post(other_court, body)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "forbidden_ref"
    assert error["fields"] == [{"item": 1, "field": "ref", "message": error["message"]}]
    assert Record.objects.count() == records
    assert not PendingEntry.objects.exists()


def test_the_serving_node_records_the_receipt_of_its_document(court: Actor) -> None:
    served = integrated_served_document(court)
    response = post(court, {"kind": "service_receipt", "sha256": sha("receipt"), "ref": served})
    assert response.status_code == 202
    assert Record.objects.get(kind="service_receipt").ref == served


NOT_TEXT = ["a\x00b", "\ud800", "\udc00 alone", "two\nlines", "tab\there", "\x7f", "\x85", "\u2028"]


@pytest.mark.parametrize("value", NOT_TEXT)
def test_it_refuses_metadata_that_is_not_single_line_text(court: Actor, value: str) -> None:
    body = {"kind": "case_file", "sha256": sha("x"), "metadata": {"title": value}}
    response = post_raw(court, body)
    assert response.status_code == 400
    (where,) = response.json()["error"]["fields"]
    assert where["field"] == "metadata.title"
    assert not Record.objects.exists()


def test_it_refuses_a_list_item_that_is_not_text(court: Actor) -> None:
    body = {"kind": "case_file", "sha256": sha("x"), "metadata": {"parties": ["Wang", "L\x00i"]}}
    response = post_raw(court, body)
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "metadata.parties"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "evidence", "sha256": sha("x"), "\ud800": 1}, "\\ud800"),
        ({"kind": "evidence", "sha256": sha("x"), "metadata": {"\ud800": "a"}}, "metadata.\\ud800"),
    ],
)
def test_it_names_a_field_that_is_not_text_escaped(court: Actor, body: object, field: str) -> None:
    response = post_raw(court, body)
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == field


def test_no_log_line_carries_metadata_of_a_refused_submission(
    court: Actor, caplog: pytest.LogCaptureFixture, settings: LazySettings
) -> None:
    settings.DEBUG = True  # so that django.db.backends logs every statement, with its values
    for name in ("", "django.request", "django.db.backends"):
        caplog.set_level(logging.DEBUG, logger=name)
    court.client.raise_request_exception = False
    for at, value in enumerate(NOT_TEXT):
        metadata = {"case_number": "(2026) 京0105民初1号", "parties": ["Zhang Secretparty", value]}
        post_raw(court, {"kind": "case_file", "sha256": sha(f"{at}"), "metadata": metadata})
        metadata = {"case_number": "(2026) 京0105民初1号", "title": value}
        post_raw(court, {"kind": "case_file", "sha256": sha(f"{at}"), "metadata": metadata})
    logged = {r.name for r in caplog.records}
    assert {"django.request", "django.db.backends"} <= logged  # refusals, and their statements
    assert "Secretparty" not in caplog.text
    assert "京0105" not in caplog.text


def test_it_refuses_metadata_past_its_size_limit(court: Actor) -> None:
    parties = [f"party {i} " + "x" * (MAX_METADATA_BYTES // 50) for i in range(50)]
    response = post(
        court, {"kind": "case_file", "sha256": sha("x"), "metadata": {"parties": parties}}
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "metadata"
